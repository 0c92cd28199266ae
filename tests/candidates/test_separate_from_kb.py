"""Rebuilding the knowledge base never touches what candidates gave."""
from __future__ import annotations

import hashlib
from pathlib import Path

from bot.candidates import CandidateStore
from bot.gaps import GapLog
from bot.loader import load_knowledge
from tests.candidates.test_store import apply
from tests.conftest import sqlite_url


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_kb_load_leaves_the_candidates_file_alone(tmp_path: Path, knowledge_with_fixture_role,
                                                  monkeypatch):
    candidates = tmp_path / "candidates.sqlite"
    store = CandidateStore(sqlite_url(candidates))
    app = apply(store)
    store.close()  # checkpoints the WAL into the file
    before = (_digest(candidates), candidates.stat().st_mtime_ns)
    monkeypatch.setenv("CANDIDATES_DATABASE_URL", sqlite_url(candidates))

    report = load_knowledge(knowledge_with_fixture_role, sqlite_url(tmp_path / "kb.sqlite"))
    load_knowledge(knowledge_with_fixture_role, sqlite_url(tmp_path / "kb.sqlite"))

    assert report.roles == 2
    assert (_digest(candidates), candidates.stat().st_mtime_ns) == before
    store = CandidateStore(sqlite_url(candidates))
    try:
        assert store.application(app.reference) == app
    finally:
        store.close()


def test_kb_load_into_the_same_database_keeps_candidates_tables(tmp_path: Path,
                                                                 knowledge_with_fixture_role):
    """Even pointed at one shared database (one PostgreSQL for both, say), a rebuild
    drops only the knowledge base's own tables."""
    url = sqlite_url(tmp_path / "shared.sqlite")
    store = CandidateStore(url)
    gaps = GapLog(url)
    try:
        app = apply(store)
        gaps.record(role_slug=None, topic=None, question="q", reason="not_understood")
        load_knowledge(knowledge_with_fixture_role, url)
        load_knowledge(knowledge_with_fixture_role, url)
        assert store.application(app.reference) == app
        assert gaps.summary()[0].count == 1
    finally:
        store.close()
        gaps.close()
