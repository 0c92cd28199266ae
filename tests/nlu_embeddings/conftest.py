"""The MiniLM model directory the tests use: RECRUITING_MINILM_MODEL, else models/minilm
(`make models/minilm/model.safetensors`, which `make test` runs first)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    path = Path(os.environ.get("RECRUITING_MINILM_MODEL") or ROOT / "models" / "minilm")
    if not (path / "model.safetensors").is_file():
        pytest.fail(f"no MiniLM model in {path}: run `make models/minilm/model.safetensors` "
                    "(or the tests through `make test`)")
    return path.resolve()


@pytest.fixture(scope="session")
def encoder(minilm_dir: Path):
    from bot.sentence_encoder import SentenceEncoder

    return SentenceEncoder(minilm_dir)
