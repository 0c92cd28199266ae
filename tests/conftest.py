"""Shared fixtures: the project's paths and throw-away copies of the knowledge files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A copy of the real knowledge folder that a test may break."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


@pytest.fixture
def knowledge_with_fixture_role(knowledge_copy: Path) -> Path:
    """The real knowledge plus a second role (tests/fixtures/knowledge), as a hiring
    team would add one: a job file and its source document, nothing else."""
    for sub in ("jobs", "sources"):
        for path in (FIXTURES / "knowledge" / sub).iterdir():
            shutil.copy(path, knowledge_copy / sub / path.name)
    return knowledge_copy


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
