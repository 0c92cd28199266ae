"""How much of a curated job file the importer finds by itself.

Re-imports a curated role's source document into a temporary knowledge folder and prints,
per topic, the share of the curated file's quotes that the import also places under that
topic (a quote counts when the imported one is the same sentence, or contains it: the
curated file sometimes quotes part of a list item). Exit status 1 below the target.

    .venv/bin/python scripts/import_recall.py                  # the shipped seed role
    .venv/bin/python scripts/import_recall.py --knowledge DIR --slug SLUG --target 0.9
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.importer import import_file, topic_keys_of, write_draft  # noqa: E402  (after sys.path)
from bot.jobfiles import read_job, squash  # noqa: E402  (after sys.path)

DEFAULT_SLUG = "machine-learning-engineer"


@dataclass(frozen=True)
class TopicRecall:
    topic: str
    curated: int
    found: int
    missing: List[str]

    @property
    def share(self) -> float:
        return self.found / self.curated if self.curated else 1.0


def _same(curated: str, imported: str) -> bool:
    a, b = squash(curated).rstrip(".:;"), squash(imported).rstrip(".:;")
    return a == b or a in b


def recall(knowledge: Path, slug: str) -> List[TopicRecall]:
    """Per topic of the curated job file, how many of its quotes the import places there."""
    topic_keys = topic_keys_of(knowledge)
    curated, problems = read_job(knowledge / "jobs" / f"{slug}.yml", topic_keys)
    if curated is None:
        raise SystemExit("\n".join(str(p) for p in problems))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "knowledge"
        target.mkdir()
        shutil.copy(knowledge / "topics.yml", target / "topics.yml")
        draft = import_file(curated.source.path, topic_keys)
        write_draft(draft, target)
    results = []
    for topic, facts in curated.topics.items():
        imported = [f.quote for f in draft.topics.get(topic, [])]
        missing = [f.quote for f in facts if not any(_same(f.quote, q) for q in imported)]
        results.append(TopicRecall(topic, len(facts), len(facts) - len(missing), missing))
    return results


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--slug", default=DEFAULT_SLUG)
    parser.add_argument("--target", type=float, default=0.9, help="overall share required")
    parser.add_argument("--json", type=Path, help="also write the table here")
    args = parser.parse_args(argv)

    results = recall(args.knowledge, args.slug)
    curated = sum(r.curated for r in results)
    found = sum(r.found for r in results)
    overall = found / curated if curated else 1.0
    print(f"Import recall of {args.slug} (curated quotes the import places under the same topic)")
    print(f"{'topic':<16} {'curated':>7} {'found':>6} {'share':>7}")
    for r in results:
        print(f"{r.topic:<16} {r.curated:>7} {r.found:>6} {r.share:>7.0%}")
    print(f"{'overall':<16} {curated:>7} {found:>6} {overall:>7.0%}")
    for r in results:
        for quote in r.missing:
            print(f"  missing under {r.topic}: {quote}")
    if args.json:
        table: Dict[str, object] = {r.topic: {"curated": r.curated, "found": r.found}
                                    for r in results}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"slug": args.slug, "overall": overall, "topics": table},
                                        indent=2) + "\n")
    unfound = [r.topic for r in results if r.found == 0]
    if overall < args.target or unfound:
        print(f"below target: overall {overall:.0%} (target {args.target:.0%}); "
              f"topics with nothing found: {', '.join(unfound) or '-'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
