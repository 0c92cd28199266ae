"""A hiring team reloads the knowledge base while the bot is answering: readers see the
old content or the new, never a half-loaded role; a locked database is reported, not hung."""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot import KnowledgeBase, KnowledgeBaseUnavailable
from bot.loader import load_knowledge
from tests.conftest import KNOWLEDGE, sqlite_url

MLE = "machine-learning-engineer"
DHC = "dental-hygiene-coordinator"


def _snapshot(kb: KnowledgeBase):
    return {slug: {t: [f.text for f in facts] for t, facts in kb.profile(slug).items()}
            for slug in (MLE, DHC)}


def test_readers_never_see_a_half_loaded_role(tmp_path: Path, knowledge_with_fixture_role: Path):
    url = sqlite_url(tmp_path / "kb.sqlite")
    # Version B: a second role, and a changed MLE fact, so old and new differ everywhere.
    job = knowledge_with_fixture_role / "jobs" / "machine-learning-engineer.yml"
    job.write_text(job.read_text().replace("to develop software.", "so as to develop software."))
    load_knowledge(knowledge_with_fixture_role, url)
    version_b = _snapshot(KnowledgeBase(url))
    load_knowledge(KNOWLEDGE, url)
    version_a = _snapshot(KnowledgeBase(url))
    assert version_a != version_b and version_a[DHC] == {}

    stop = threading.Event()
    seen, torn = [], []

    def read() -> None:
        kb = KnowledgeBase(url)
        while not stop.is_set():
            profile = {t: [f.text for f in facts] for t, facts in kb.profile(MLE).items()}
            other = {t: [f.text for f in facts] for t, facts in kb.profile(DHC).items()}
            seen.append(1)
            if profile not in (version_a[MLE], version_b[MLE]):
                torn.append(("mle", profile))
            if other not in (version_a[DHC], version_b[DHC]):
                torn.append(("dhc", other))
        kb.close()

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        for i in range(12):
            load_knowledge(knowledge_with_fixture_role if i % 2 == 0 else KNOWLEDGE, url)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert len(seen) > 100, "the readers hardly ran"
    assert torn == []


def test_a_locked_database_is_reported_not_waited_on_forever(tmp_path: Path, monkeypatch):
    path = tmp_path / "kb.sqlite"
    load_knowledge(KNOWLEDGE, sqlite_url(path))
    monkeypatch.setenv("KB_BUSY_TIMEOUT_SECONDS", "0.5")
    kb = KnowledgeBase(sqlite_url(path))
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(KnowledgeBaseUnavailable, match="locked"):
            kb.roles()
        assert time.monotonic() - started < 5
    finally:
        holder.rollback()
        holder.close()
    assert kb.roles()  # and it recovers once the lock is gone
