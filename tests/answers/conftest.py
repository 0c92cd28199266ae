"""The running bot answering from the shipped knowledge, for the answer checks over many
roles."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot import KnowledgeBase
from bot.loader import load_knowledge
from tests.conftest import KNOWLEDGE, SHIPPED_KNOWLEDGE, sqlite_url


@pytest.fixture(scope="module")
def shipped(bot, kb, kb_path: Path) -> Iterator[KnowledgeBase]:
    """The running bot answering from the shipped knowledge; the fixed one put back after."""
    load_knowledge(SHIPPED_KNOWLEDGE, sqlite_url(kb_path))
    yield kb
    load_knowledge(KNOWLEDGE, sqlite_url(kb_path))
