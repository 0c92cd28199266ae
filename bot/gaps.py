"""Questions the bot could not answer, kept so hiring teams can add what candidates ask.

A gap records the role, the topic, the question and why it went unanswered, and nothing
about who asked: no sender id, and the question is scrubbed of emails, phone numbers, URLs
and self-introductions before it is stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Match, Optional, Tuple

from sqlalchemy import desc, func, insert, select

from bot.recruiting_db import Database, gaps, utc

REASONS = ("not_described", "not_understood")
#: Longer questions are cut: a gap is a prompt for the hiring team, not a transcript.
MAX_QUESTION_CHARS = 500
EXAMPLES_PER_GAP = 3


@dataclass(frozen=True)
class GapSummary:
    role_slug: Optional[str]
    topic: Optional[str]
    count: int
    examples: Tuple[str, ...]  # distinct questions, most recent first
    last_asked: datetime


# -- the scrubber ---------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"\b(?:https?://|www\.)\S+"
    # a bare domain with a path ("linkedin.com/in/jane-doe") names a page, often a person's
    r"|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*", re.IGNORECASE)
# Digits in groups joined by one space, dot or dash, optionally after +country and (area);
# at least 7 digits (checked below). Not after a currency sign or inside a number.
_PHONE = re.compile(
    r"(?<![\w$£€¥.,/:])"
    r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,}(?:[ .-]\d{2,})*"
    r"(?![\w%$£€/:]|[.,]\d)")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[.-]\d{1,2}[.-]\d{2,4}")
_RANGE = re.compile(r"[1-9]\d{3,}-[1-9]\d{3,}")  # "45000-55000": a salary range
_SEPARATOR = r"[^\S\n]+"
# After these, whatever follows is a name, whatever its case ("my name is jane doe").
_NAME_IS = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name's|name's|call\s+me|i\s+go\s+by|you\s+can\s+call\s+me)"
    + _SEPARATOR, re.IGNORECASE)
# After these only capitalised words are a name ("I'm Jane", not "I'm interested").
_I_AM = re.compile(r"\b(?:i'm|i’m|i\s+am|im|this\s+is)" + _SEPARATOR, re.IGNORECASE)
# A name's words; a title ("Dr.", "Mrs") with its dot is part of the name.
_WORD = re.compile(r"(?:(?:dr|mr|mrs|ms|mx|miss|prof)\.?(?=\s)|[^\W\d_][\w'’-]*)", re.IGNORECASE)
#: Words that end a name: "my name is jane and I ...".
_NOT_NAME = frozenset("""
a an and the i im i'm is am are was but so or from in at on for with to of here
looking interested applying wondering hoping asking about just also currently
please thanks thank hi hello hey not very really a
""".split())
_MAX_NAME_WORDS = 4


def scrub(text: str) -> str:
    """`text` with personal data replaced: [email], [url], [phone], [name].

    Pragmatic patterns, erring on the side of removing: a salary ("$52,000", "45000-55000"),
    hours ("40 hours"), dates and years stay, since they are what the question is about.
    """
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub("[url]", text)
    text = _PHONE.sub(_phone, text)
    text = _replace_names(text, _NAME_IS, any_case=True)
    text = _replace_names(text, _I_AM, any_case=False)
    return text


def _phone(match: Match[str]) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    if not 7 <= digits <= 15 or _DATE.fullmatch(found) or _RANGE.fullmatch(found):
        return found
    return "[phone]"


def _replace_names(text: str, trigger: "re.Pattern[str]", any_case: bool) -> str:
    out: List[str] = []
    position = 0
    for match in trigger.finditer(text):
        if match.start() < position:
            continue
        end = match.end()
        words = 0
        cursor = end
        name_end = end
        while words < _MAX_NAME_WORDS:
            word = _WORD.match(text, cursor)
            if not word or word.group(0).lower() in _NOT_NAME:
                break
            if not any_case and not word.group(0)[0].isupper():
                break
            if words and not any_case and word.group(0).isupper() and len(word.group(0)) > 1:
                break  # "I'm Jane RN": an acronym after the name is not part of it
            words += 1
            name_end = word.end()
            gap = re.match(r"[^\S\n]+", text[name_end:])
            cursor = name_end + (gap.end() if gap else 0)
            if not gap:
                break
        if words:
            out.append(text[position:end])
            out.append("[name]")
            position = name_end
    out.append(text[position:])
    return "".join(out)


# -- the log --------------------------------------------------------------------------

class GapLog:
    """The unanswered questions, in the candidates database (CANDIDATES_DATABASE_URL)."""

    def __init__(self, url: Optional[str] = None) -> None:
        self._db = Database(url)
        self.url = self._db.url

    def close(self) -> None:
        self._db.close()

    def record(self, *, role_slug: Optional[str], topic: Optional[str], question: str,
               reason: str, now: Optional[datetime] = None) -> None:
        """Store one unanswered question, scrubbed, with no trace of who asked.

        May raise (ValueError for an unknown reason, SQLAlchemyError when the database is
        unavailable): the caller in a conversation must catch everything, so that noting a
        gap never stops the bot from answering.
        """
        if reason not in REASONS:
            raise ValueError(f"unknown gap reason {reason!r}: one of {REASONS}")
        cleaned = " ".join(scrub(question).split())[:MAX_QUESTION_CHARS]
        with self._db.write() as conn:
            conn.execute(insert(gaps).values(role_slug=role_slug, topic=topic, question=cleaned,
                                             reason=reason, created_at=utc(now)))

    def summary(self, role_slug: Optional[str] = None,
                since: Optional[datetime] = None) -> List[GapSummary]:
        """Gaps grouped by role and topic, the most asked first, each with a few examples."""
        key = (gaps.c.role_slug, gaps.c.topic)
        counted = select(*key, func.count().label("n"), func.max(gaps.c.created_at).label("last"))
        recent = select(*key, gaps.c.question).order_by(desc(gaps.c.created_at), desc(gaps.c.id))
        if role_slug is not None:
            counted = counted.where(gaps.c.role_slug == role_slug)
            recent = recent.where(gaps.c.role_slug == role_slug)
        if since is not None:
            counted = counted.where(gaps.c.created_at >= utc(since))
            recent = recent.where(gaps.c.created_at >= utc(since))
        with self._db.read() as conn:
            groups = conn.execute(counted.group_by(*key)).all()
            examples: Dict[Tuple[Optional[str], Optional[str]], List[str]] = {}
            for row in conn.execute(recent):
                shown = examples.setdefault((row.role_slug, row.topic), [])
                if len(shown) < EXAMPLES_PER_GAP and row.question not in shown:
                    shown.append(row.question)
        result = [GapSummary(g.role_slug, g.topic, int(g.n),
                             tuple(examples.get((g.role_slug, g.topic), ())), utc(g.last))
                  for g in groups]
        result.sort(key=lambda s: (-s.count, s.role_slug or "", s.topic or ""))
        return result
