"""Shared fixtures: the project's paths, throw-away copies of the knowledge files, and
the one real bot (action server + Rasa server) a test session starts."""
from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: What the bot ships with: hiring teams edit it, so no test pins its facts; tests over it
#: derive what they expect from it (tests/kb/test_provenance.py, tests/answers/ ...).
SHIPPED_KNOWLEDGE = ROOT / "knowledge"
#: Fixed facts for the tests that need them: one role, the Machine Learning Engineer, as
#: the seed job description gives it (plus tests/fixtures/knowledge for a second role).
KNOWLEDGE = FIXTURES / "one-role"


def fixture_salary(job_file: Path) -> str:
    """The dollar figure of a fixture role's first salary fact, read from its job file so
    that tests assert the figure the fixture gives instead of repeating it."""
    import yaml

    text = yaml.safe_load(job_file.read_text())["topics"]["salary"][0]["text"]
    return re.search(r"\$[\d,]+", text).group()


#: The fixture roles' salaries: the Machine Learning Engineer of KNOWLEDGE, the Dental
#: Hygiene Coordinator of tests/fixtures/knowledge, the Platform Engineer of third-role.
ML_SALARY = fixture_salary(KNOWLEDGE / "jobs" / "machine-learning-engineer.yml")
DENTAL_SALARY = fixture_salary(FIXTURES / "knowledge" / "jobs" / "dental-hygiene-coordinator.yml")
PLATFORM_SALARY = fixture_salary(FIXTURES / "third-role" / "jobs" / "platform-engineer.yml")


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A copy of the fixed one-role knowledge folder that a test may break."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@pytest.fixture
def knowledge_with_fixture_role(knowledge_copy: Path) -> Path:
    """The one-role knowledge plus a second role (tests/fixtures/knowledge), as a hiring
    team would add one: a job file and its source document, nothing else."""
    for sub in ("jobs", "sources"):
        for path in (FIXTURES / "knowledge" / sub).iterdir():
            shutil.copy(path, knowledge_copy / sub / path.name)
    return knowledge_copy


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory) -> Path:
    """A real SQLite knowledge base of the fixed one-role knowledge for the session's bot."""
    from bot.loader import load_knowledge

    path = tmp_path_factory.mktemp("e2e-kb") / "knowledge.sqlite"
    load_knowledge(KNOWLEDGE, sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def kb(kb_path: Path):
    from bot import KnowledgeBase

    base = KnowledgeBase(sqlite_url(kb_path))
    yield base
    base.close()


@pytest.fixture(scope="session")
def bot(tmp_path_factory, kb_path: Path):
    """The real action and Rasa servers, started once per session, answering over REST."""
    from harness.servers import DEFAULT_MODEL, Bot

    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    running = Bot(tmp_path_factory.mktemp("e2e-bot"), sqlite_url(kb_path)).start()
    yield running
    running.stop()


@pytest.fixture
def sender() -> str:
    """A fresh conversation for each test."""
    return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def candidates_db(tmp_path_factory, monkeypatch) -> str:
    """Every test that records an application, a handoff or an unanswered question writes
    to a throw-away candidates database, never var/candidates.sqlite."""
    from actions.records import candidate_store, gap_log, recruiter_answers

    url = sqlite_url(tmp_path_factory.mktemp("candidates") / "candidates.sqlite")
    monkeypatch.setenv("CANDIDATES_DATABASE_URL", url)
    candidate_store.cache_clear()
    gap_log.cache_clear()
    recruiter_answers.cache_clear()
    yield url
    candidate_store.cache_clear()
    gap_log.cache_clear()
    recruiter_answers.cache_clear()
