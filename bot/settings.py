"""Where the bot keeps its data, and for how long. Everything can be overridden from the
environment, so tests and deployments point the same code at other files or databases."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The SQLite file used when KB_DATABASE_URL is not set.
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "var" / "knowledge.sqlite"

#: The SQLite file used when CANDIDATES_DATABASE_URL is not set. Apart from the knowledge
#: base on purpose: `make kb` rebuilds that one and must never touch what candidates gave.
DEFAULT_CANDIDATES_DATABASE_PATH = PROJECT_ROOT / "var" / "candidates.sqlite"

#: How long an application is kept (APPLICATION_RETENTION_DAYS).
DEFAULT_APPLICATION_RETENTION_DAYS = 180

#: Minutes without a message in either direction (or since the handoff was posted) after
#: which a recruiter chat ends by itself (HANDOFF_TIMEOUT_MINUTES; rasa_ext/relay.py).
DEFAULT_HANDOFF_TIMEOUT_MINUTES = 60
#: Seconds between two looks for handoffs idle past the timeout (HANDOFF_SWEEP_SECONDS).
DEFAULT_HANDOFF_SWEEP_SECONDS = 60.0


def database_url() -> str:
    """The SQLAlchemy URL of the knowledge base: KB_DATABASE_URL, else the SQLite default."""
    return os.environ.get("KB_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE_PATH}"


def candidates_database_url() -> str:
    """The SQLAlchemy URL of what candidates give us (applications, handoffs) and of the
    unanswered questions: CANDIDATES_DATABASE_URL, else the SQLite default."""
    return (os.environ.get("CANDIDATES_DATABASE_URL")
            or f"sqlite:///{DEFAULT_CANDIDATES_DATABASE_PATH}")


def knowledge_dir() -> Path:
    """The folder holding topics.yml, jobs/ and sources/: KB_KNOWLEDGE_DIR, else knowledge/."""
    return Path(os.environ.get("KB_KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge")


def application_retention_days() -> int:
    """Days an application is kept before `candidates purge` deletes it:
    APPLICATION_RETENTION_DAYS, else 180 (what the consent text promises)."""
    return _days("APPLICATION_RETENTION_DAYS", DEFAULT_APPLICATION_RETENTION_DAYS)


def handoff_retention_days() -> int:
    """Days a handoff (the conversation handed to a recruiter) is kept: HANDOFF_RETENTION_DAYS,
    else the application retention, so one setting covers both unless a team splits them.
    A handoff holds the transcript and often an email address, so it must expire too."""
    return _days("HANDOFF_RETENTION_DAYS", application_retention_days())


def handoff_timeout_minutes() -> int:
    """Minutes of silence after which a candidate's chat with a recruiter ends and the bot
    answers again: HANDOFF_TIMEOUT_MINUTES, else 60."""
    raw = os.environ.get("HANDOFF_TIMEOUT_MINUTES", "").strip()
    if not raw:
        return DEFAULT_HANDOFF_TIMEOUT_MINUTES
    try:
        minutes = int(raw)
    except ValueError:
        raise ValueError(f"HANDOFF_TIMEOUT_MINUTES must be a whole number of minutes, "
                         f"not {raw!r}") from None
    if minutes < 1:
        raise ValueError(f"HANDOFF_TIMEOUT_MINUTES must be at least 1 minute, not {minutes}")
    return minutes


def handoff_sweep_seconds() -> float:
    """Seconds between two sweeps closing idle recruiter chats in the Rasa server:
    HANDOFF_SWEEP_SECONDS, else 60 (tests use less)."""
    raw = os.environ.get("HANDOFF_SWEEP_SECONDS", "").strip()
    if not raw:
        return DEFAULT_HANDOFF_SWEEP_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"HANDOFF_SWEEP_SECONDS must be a number of seconds, not {raw!r}") \
            from None
    if not 0 < seconds <= 3600:
        raise ValueError(f"HANDOFF_SWEEP_SECONDS must be above 0 and at most 3600, not {raw}")
    return seconds


def _days(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        days = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of days, not {raw!r}") from None
    if days < 1:
        raise ValueError(f"{name} must be at least 1 day, not {days}")
    return days
