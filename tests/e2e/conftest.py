"""One real bot per test session: the action server and the Rasa server, started once,
answering over REST from a real SQLite knowledge base built from knowledge/."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from bot import KnowledgeBase
from bot.loader import load_knowledge
from harness.servers import DEFAULT_MODEL, Bot
from tests.conftest import KNOWLEDGE, sqlite_url


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("e2e-kb") / "knowledge.sqlite"
    load_knowledge(KNOWLEDGE, sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def kb(kb_path: Path) -> KnowledgeBase:
    return KnowledgeBase(sqlite_url(kb_path))


@pytest.fixture(scope="session")
def bot(tmp_path_factory, kb_path: Path) -> Bot:
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    running = Bot(tmp_path_factory.mktemp("e2e-bot"), sqlite_url(kb_path)).start()
    yield running
    running.stop()


@pytest.fixture
def sender() -> str:
    """A fresh conversation for each test."""
    return f"e2e-{uuid.uuid4().hex[:12]}"
