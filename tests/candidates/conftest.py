"""A fresh candidates database, a real SQLite file, for each test."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.candidates import CandidateStore
from bot.gaps import GapLog
from tests.conftest import sqlite_url


@pytest.fixture
def candidates_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "candidates.sqlite")


@pytest.fixture
def store(candidates_url: str):
    opened = CandidateStore(candidates_url)
    yield opened
    opened.close()


@pytest.fixture
def gap_log(candidates_url: str):
    opened = GapLog(candidates_url)
    yield opened
    opened.close()
