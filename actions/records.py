"""The action server's connections to what candidates give us (applications, handoffs)
and to the log of questions the job descriptions could not answer; both live in the
candidates database (CANDIDATES_DATABASE_URL), never in the knowledge base."""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Optional

from rasa_sdk import Tracker

from bot.candidates import CandidateStore
from bot.gaps import GapLog

log = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def candidate_store() -> CandidateStore:
    return CandidateStore()


@lru_cache(maxsize=None)
def gap_log() -> GapLog:
    return GapLog()


def note_gap(tracker: Tracker, role_slug: Optional[str], topic: Optional[str],
             reason: str) -> None:
    """Record the latest question as one the bot could not answer (scrubbed of personal
    data by GapLog, with no sender id). Never fails the reply: a broken log is one line."""
    text = tracker.latest_message.get("text") or ""
    if not text.strip() or text.startswith("/"):
        return
    try:
        gap_log().record(role_slug=role_slug, topic=topic, question=text, reason=reason)
    except Exception as exc:  # noqa: BLE001 - the candidate's answer must not depend on it
        log.error("Could not record an unanswered question: %s: %s", type(exc).__name__, exc)
