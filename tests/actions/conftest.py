"""Action tests build Tracker and CollectingDispatcher from JSON fixtures (trackers/)
and run the actions against a real SQLite knowledge base in a temporary folder."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import knowledge_base
from bot.loader import load_knowledge
from tests.conftest import FIXTURES, KNOWLEDGE, sqlite_url

TRACKERS = Path(__file__).resolve().parent / "trackers"


def load_tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((TRACKERS / f"{name}.json").read_text()))


def _use_database(monkeypatch, url: str) -> None:
    monkeypatch.setenv("KB_DATABASE_URL", url)
    knowledge_base.cache_clear()


@pytest.fixture
def one_role_kb(tmp_path: Path, monkeypatch) -> str:
    """The real knowledge base: one role, Machine Learning Engineer."""
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(KNOWLEDGE, url)
    _use_database(monkeypatch, url)
    yield url
    knowledge_base.cache_clear()


@pytest.fixture
def two_role_kb(tmp_path: Path, monkeypatch, knowledge_with_fixture_role: Path) -> str:
    """The real knowledge base plus the test-only Dental Hygiene Coordinator role."""
    url = sqlite_url(tmp_path / "kb2.sqlite")
    load_knowledge(knowledge_with_fixture_role, url)
    _use_database(monkeypatch, url)
    yield url
    knowledge_base.cache_clear()


@pytest.fixture
def three_role_kb(tmp_path: Path, monkeypatch, knowledge_with_fixture_role: Path) -> str:
    """Two roles whose names end in "engineer" (Machine Learning, Platform) and the Dental
    Hygiene Coordinator."""
    for sub in ("jobs", "sources"):
        for path in (FIXTURES / "third-role" / sub).iterdir():
            shutil.copy(path, knowledge_with_fixture_role / sub / path.name)
    url = sqlite_url(tmp_path / "kb3.sqlite")
    load_knowledge(knowledge_with_fixture_role, url)
    _use_database(monkeypatch, url)
    yield url
    knowledge_base.cache_clear()


@pytest.fixture
def missing_kb(tmp_path: Path, monkeypatch) -> str:
    url = sqlite_url(tmp_path / "gone.sqlite")
    _use_database(monkeypatch, url)
    yield url
    knowledge_base.cache_clear()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> dict:
    return {}


@pytest.fixture
def kb_facts(one_role_kb: str):
    """The facts of the Machine Learning Engineer role on a topic, read from the KB."""
    from bot import KnowledgeBase

    kb = KnowledgeBase(one_role_kb)
    yield lambda topic: kb.facts("machine-learning-engineer", topic)
    kb.close()
