"""The message sets NLU is measured on, and the rule that keeps them honest.

- development set (`tests/nlu/dev/`, `tests/several_questions/dev.yml`): the old held-out
  set, minus every message that was also in the training data; used freely while working.
- test set (`tests/nlu/test/`, `tests/several_questions/test.yml`): written once, from
  scratch, by a different method than the training data (candidates reading the real
  postings), and never used to choose training data; `make test` gates on it.

No message of either may occur in the training data, once normalised (case, punctuation,
white space, entity markup): tests/nlu_sets check it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DATA = ROOT / "data" / "nlu"
DEV = ROOT / "tests" / "nlu" / "dev"
TEST = ROOT / "tests" / "nlu" / "test"
SEVERAL_DEV = ROOT / "tests" / "several_questions" / "dev.yml"
SEVERAL_TEST = ROOT / "tests" / "several_questions" / "test.yml"

ROLE_MARKUP = re.compile(r"\[([^\]]+)\]\([a-z_]+\)")


def normalise(text: str) -> str:
    """"What's the SALARY?" and "whats the salary" are the same message."""
    text = ROLE_MARKUP.sub(r"\1", text).lower()
    return " ".join(re.sub(r"[^\w\s]", "", text).split())


def files(path: Path) -> List[Path]:
    return sorted(path.rglob("*.yml")) if path.is_dir() else [path]


def labelled(path: Path) -> Iterator[Tuple[str, str]]:
    """(intent, example as written, with its markup) of every NLU file under `path`."""
    for file in files(path):
        for block in yaml.safe_load(file.read_text()).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                example = line.strip()
                if example.startswith("- "):
                    yield block["intent"], example[2:].strip()


def normalised(paths: Iterable[Path]) -> Dict[str, str]:
    """Normalised example -> intent, over every file of `paths`."""
    return {normalise(text): intent for path in paths for intent, text in labelled(path)}


def overlap(path: Path, training: Path = TRAINING_DATA) -> List[str]:
    """The examples of `path` that also occur (normalised) in the training data."""
    trained = normalised([training])
    return [text for _, text in labelled(path) if normalise(text) in trained]
