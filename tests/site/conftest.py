"""Fixtures of the careers site's tests: a knowledge base with five roles (the real one,
the test-only Dental Hygiene Coordinator, a role whose job file is full of markup and
script, and two whose `application:` sections the "How to apply" block shows: the Pharmacy
Technician, applied for on an external page until 2099, and the Forklift Operator, whose
applications closed in 2020) and the site server reading it."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from bot import KnowledgeBase
from bot.loader import load_knowledge
from tests.conftest import FIXTURES, KNOWLEDGE, sqlite_url

SITE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "knowledge"
FIXTURE_ROLE = "dental-hygiene-coordinator"
MARKUP_ROLE = "markup-injection-tester"
REAL_ROLE = "machine-learning-engineer"
LINK_ROLE = "pharmacy-technician"
CLOSED_ROLE = "forklift-operator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives a real chromium (selenium) against the careers site "
                   "and the real Rasa and action servers")


def build_knowledge(target: Path) -> Path:
    """knowledge/ plus the test-only roles, each added the way a hiring team adds one: a
    job file and its source document, nothing else."""
    shutil.copytree(KNOWLEDGE, target)
    for extra in (FIXTURES / "knowledge", SITE_FIXTURES):
        for sub in ("jobs", "sources"):
            for path in (extra / sub).iterdir():
                shutil.copy(path, target / sub / path.name)
    return target


@pytest.fixture(scope="session")
def site_kb_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("site-kb")
    url = sqlite_url(root / "knowledge.sqlite")
    load_knowledge(build_knowledge(root / "knowledge"), url)
    return url


@pytest.fixture(scope="session")
def site_kb(site_kb_url: str) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase(site_kb_url)
    yield kb
    kb.close()
