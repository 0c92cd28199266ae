"""A fresh candidates database, a real SQLite file, for each test.

CANDIDATES_TEST_DATABASE_URL (e.g. postgresql://bot@127.0.0.1:5432/candidates_test) runs
the same tests against that database instead; its tables are dropped before each test.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.candidates import CandidateStore
from bot.gaps import GapLog
from tests.conftest import sqlite_url


@pytest.fixture
def candidates_url(tmp_path: Path) -> str:
    other = os.environ.get("CANDIDATES_TEST_DATABASE_URL")
    if not other:
        return sqlite_url(tmp_path / "candidates.sqlite")
    from sqlalchemy import create_engine

    from bot.recruiting_db import metadata

    engine = create_engine(other, future=True)
    with engine.begin() as conn:
        metadata.drop_all(conn)
    engine.dispose()
    return other


@pytest.fixture
def sqlite_only():
    if os.environ.get("CANDIDATES_TEST_DATABASE_URL"):
        pytest.skip("reads the SQLite file itself")


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
