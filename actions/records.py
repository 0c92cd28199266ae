"""The action server's connections to what candidates give us (applications, handoffs),
to the log of questions the job descriptions could not answer, and to the recruiting
team's approved answers to them; all live in the candidates database
(CANDIDATES_DATABASE_URL), never in the knowledge base that `make kb` rebuilds."""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import List, Optional

from rasa_sdk import Tracker

from bot.candidates import CandidateStore
from bot.gaps import GapLog
from bot.recruiter_answers import RecruiterAnswer, RecruiterAnswers

log = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def candidate_store() -> CandidateStore:
    return CandidateStore()


@lru_cache(maxsize=None)
def gap_log() -> GapLog:
    return GapLog()


@lru_cache(maxsize=None)
def recruiter_answers() -> RecruiterAnswers:
    return RecruiterAnswers()


def approved_answers(role_slug: Optional[str], topic: str) -> List[RecruiterAnswer]:
    """What the recruiting team answered (approved) on a topic the role's description
    leaves out; [] when there is none or the database cannot be read (one log line)."""
    try:
        return recruiter_answers().approved_for(role_slug, topic)
    except Exception as exc:  # noqa: BLE001 - the description's own answer still stands
        log.error("Could not read the recruiting team's answers: %s: %s", type(exc).__name__, exc)
        return []


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
