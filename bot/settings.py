"""Where the knowledge base lives. Both places can be overridden from the environment,
so tests and deployments point the same code at other files or another database."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The SQLite file used when KB_DATABASE_URL is not set.
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "var" / "knowledge.sqlite"


def database_url() -> str:
    """The SQLAlchemy URL of the knowledge base: KB_DATABASE_URL, else the SQLite default."""
    return os.environ.get("KB_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def knowledge_dir() -> Path:
    """The folder holding topics.yml, jobs/ and sources/: KB_KNOWLEDGE_DIR, else knowledge/."""
    return Path(os.environ.get("KB_KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge")
