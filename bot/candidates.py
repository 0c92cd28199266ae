"""Applications and handoffs: what candidates give us, kept only as long as we said.

Personal data (names, emails, profile URLs, transcripts) is stored here and nowhere else:
never logged, and never put in an exception message, since those end up in logs.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import delete, desc, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.recruiting_db import Database, applications, handoffs, utc
from bot.settings import handoff_retention_days

#: Letters and digits nobody mistakes for one another when reading a reference out loud
#: or copying it from an email: no 0/O, 1/I/L, U/V.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
REFERENCE_PREFIX = "APP-"
REFERENCE_LENGTH = 6  # 29**6: 594 million references; a clash is retried

HANDOFF_STATUSES = ("queued", "posted", "closed")


@dataclass(frozen=True)
class Application:
    reference: str
    sender_id: str
    role_slug: str
    role_title: str
    name: str
    email: str
    profile_url: Optional[str]
    consent: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Handoff:
    id: int
    sender_id: str
    channel: str
    role_slug: Optional[str]
    questions: Tuple[str, ...]
    transcript: Tuple[Tuple[str, str], ...]  # (speaker, text), oldest first
    application_reference: Optional[str]
    email: Optional[str]
    status: str  # "queued" until posted to Slack, then "posted", then "closed"
    created_at: datetime
    slack_channel: Optional[str] = None
    slack_ts: Optional[str] = None
    posted_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None


@dataclass(frozen=True)
class HeldApplication:
    reference: str
    role_slug: str
    role_title: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Held:
    """What we keep about one sender: enough for the bot to answer "what do you keep about me?"."""

    applications: Tuple[HeldApplication, ...]
    handoffs: int

    @property
    def has_handoff(self) -> bool:
        return self.handoffs > 0

    @property
    def nothing(self) -> bool:
        return not self.applications and not self.handoffs


@dataclass(frozen=True)
class Forgotten:
    """How many of a sender's rows `forget` deleted."""

    applications: int
    handoffs: int

    @property
    def total(self) -> int:
        return self.applications + self.handoffs


def new_reference() -> str:
    """A random reference such as APP-7K3Q9X."""
    return REFERENCE_PREFIX + "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalize_reference(text: str) -> str:
    """What a person typed ("app-7k3q9x", "7K3Q9X ") as a stored reference."""
    cleaned = re.sub(r"\s+", "", text).upper()
    if not cleaned.startswith(REFERENCE_PREFIX):
        cleaned = REFERENCE_PREFIX + cleaned
    return cleaned


# -- validators the application form uses ---------------------------------------------

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_OTHER_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")


def valid_email(text: str) -> Optional[str]:
    """The address in `text`, normalised (trimmed, domain in lower case), or None.

    Pragmatic, not RFC 5322: one local part of the usual characters, no spaces, a domain
    with a dot and a top-level domain of letters ("me@localhost" and "me@example" are refused).
    """
    cleaned = text.strip()
    if cleaned.lower().startswith("mailto:"):
        cleaned = cleaned[len("mailto:"):]
    if cleaned.startswith("<") and cleaned.endswith(">"):
        cleaned = cleaned[1:-1]
    if len(cleaned) > 254 or not _EMAIL.fullmatch(cleaned):
        return None
    local, domain = cleaned.rsplit("@", 1)
    if len(local) > 64:
        return None
    return f"{local}@{domain.lower()}"


def valid_profile_url(text: str) -> Optional[str]:
    """An http(s) URL with a host ("https://www.linkedin.com/in/x"), or None.

    "linkedin.com/in/x" gets https:// in front; other schemes (javascript:, mailto:, ftp://),
    spaces, user names in the URL (user@host, used to disguise a host) and hosts without a
    top-level domain are refused.
    """
    cleaned = text.strip()
    if not cleaned or re.search(r"\s", cleaned):
        return None
    if "://" not in cleaned:
        if _OTHER_SCHEME.match(cleaned):
            return None
        cleaned = "https://" + cleaned
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname or ""
        parts.port  # raises ValueError when the port is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc:
        return None
    if not _HOST.fullmatch(host) or len(cleaned) > 2000:
        return None
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


# -- the store ------------------------------------------------------------------------

class CandidateStore:
    """Applications and handoffs in the candidates database (CANDIDATES_DATABASE_URL).

    One instance per process, safe to share between threads. Every method may raise
    SQLAlchemyError when the database is unavailable; callers in a conversation catch it.
    """

    def __init__(self, url: Optional[str] = None,
                 reference_factory: Callable[[], str] = new_reference) -> None:
        self._db = Database(url)
        self.url = self._db.url
        self._new_reference = reference_factory

    def close(self) -> None:
        self._db.close()

    # -- applications ------------------------------------------------------------------

    def add_application(self, *, sender_id: str, role_slug: str, role_title: str, name: str,
                        email: str, profile_url: Optional[str], consent: str,
                        retention_days: int, now: Optional[datetime] = None) -> Application:
        """Store an application; it expires `retention_days` after `now`.

        Raises ValueError for an invalid email or profile URL (the message names the field,
        never its value) or a retention of less than a day.
        """
        address = valid_email(email)
        if address is None:
            raise ValueError("the email address is not valid")
        url = None
        if profile_url is not None and profile_url.strip():
            url = valid_profile_url(profile_url)
            if url is None:
                raise ValueError("the profile URL is not a valid http(s) URL")
        if retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, not {retention_days}")
        if not name.strip():
            raise ValueError("the name is empty")
        created = utc(now)
        for _attempt in range(10):
            record = Application(
                reference=self._new_reference(), sender_id=sender_id, role_slug=role_slug,
                role_title=role_title, name=name.strip(), email=address, profile_url=url,
                consent=consent, created_at=created,
                expires_at=created + timedelta(days=retention_days))
            try:
                with self._db.write() as conn:
                    conn.execute(insert(applications).values(**asdict(record)))
            except IntegrityError:
                continue  # the reference is taken: draw another
            return record
        raise RuntimeError("could not draw an unused application reference in 10 attempts")

    def application(self, reference: str) -> Optional[Application]:
        """The application with this reference (any case, with or without "APP-"), or None."""
        with self._db.read() as conn:
            row = conn.execute(select(applications).where(
                applications.c.reference == normalize_reference(reference))).first()
        return _application(row) if row else None

    def applications(self, role_slug: Optional[str] = None) -> List[Application]:
        """Every application, or one role's, oldest first."""
        query = select(applications).order_by(applications.c.created_at, applications.c.id)
        if role_slug is not None:
            query = query.where(applications.c.role_slug == role_slug)
        with self._db.read() as conn:
            return [_application(r) for r in conn.execute(query)]

    # -- handoffs ----------------------------------------------------------------------

    def add_handoff(self, *, sender_id: str, channel: str, role_slug: Optional[str],
                    questions: Sequence[str], transcript: Sequence[Tuple[str, str]],
                    application_reference: Optional[str], email: Optional[str],
                    now: Optional[datetime] = None) -> Handoff:
        """Queue a conversation for a recruiter; it stays "queued" until `mark_posted`."""
        address = None
        if email is not None and email.strip():
            address = valid_email(email)
            if address is None:
                raise ValueError("the email address is not valid")
        created = utc(now)
        values = dict(
            sender_id=sender_id, channel=channel, role_slug=role_slug,
            questions=[str(q) for q in questions],
            transcript=[[str(speaker), str(text)] for speaker, text in transcript],
            application_reference=application_reference, email=address, status="queued",
            created_at=created)
        with self._db.write() as conn:
            handoff_id = conn.execute(insert(handoffs).values(**values)).inserted_primary_key[0]
            row = conn.execute(select(handoffs).where(handoffs.c.id == handoff_id)).one()
        return _handoff(row)

    def mark_posted(self, handoff_id: int, slack_channel: str, slack_ts: str,
                    now: Optional[datetime] = None) -> Optional[Handoff]:
        """Record where the handoff was posted in Slack; None if there is no such handoff.
        A closed handoff stays closed."""
        with self._db.write() as conn:
            conn.execute(update(handoffs).where(handoffs.c.id == handoff_id).values(
                slack_channel=slack_channel, slack_ts=slack_ts, posted_at=utc(now)))
            conn.execute(update(handoffs).where(handoffs.c.id == handoff_id)
                         .where(handoffs.c.status == "queued").values(status="posted"))
        return self.handoff(handoff_id)

    def close_handoff(self, handoff_id: int, now: Optional[datetime] = None) -> Optional[Handoff]:
        """Close the handoff (answered, or nothing more to do); None if there is no such one."""
        with self._db.write() as conn:
            conn.execute(update(handoffs).where(handoffs.c.id == handoff_id)
                         .where(handoffs.c.status != "closed")
                         .values(status="closed", closed_at=utc(now)))
        return self.handoff(handoff_id)

    def close_posted_handoff(self, handoff_id: int, now: Optional[datetime] = None) -> bool:
        """Close the handoff if it is still "posted"; True only for the one caller (of any
        process) whose update closed it, so the candidate is told once."""
        with self._db.write() as conn:
            changed = conn.execute(update(handoffs).where(handoffs.c.id == handoff_id)
                                   .where(handoffs.c.status == "posted")
                                   .values(status="closed", closed_at=utc(now))).rowcount
        return changed == 1

    def posted_handoffs_before(self, cutoff: datetime) -> List[Handoff]:
        """The handoffs still "posted" that were posted at or before `cutoff`, oldest first:
        the only ones that can have been idle since `cutoff`."""
        query = (select(handoffs).where(handoffs.c.status == "posted")
                 .where(handoffs.c.posted_at <= utc(cutoff))
                 .order_by(handoffs.c.posted_at, handoffs.c.id))
        with self._db.read() as conn:
            return [_handoff(r) for r in conn.execute(query)]

    def handoff(self, handoff_id: int) -> Optional[Handoff]:
        return self._one_handoff(select(handoffs).where(handoffs.c.id == handoff_id))

    def handoffs(self, status: Optional[str] = None) -> List[Handoff]:
        """Every handoff, or those in one status, oldest first (the queue's order)."""
        query = select(handoffs).order_by(handoffs.c.created_at, handoffs.c.id)
        if status is not None:
            if status not in HANDOFF_STATUSES:
                raise ValueError(f"unknown handoff status {status!r}: one of {HANDOFF_STATUSES}")
            query = query.where(handoffs.c.status == status)
        with self._db.read() as conn:
            return [_handoff(r) for r in conn.execute(query)]

    def open_handoff_for(self, sender_id: str) -> Optional[Handoff]:
        """The sender's most recent handoff that is not closed, or None."""
        return self._one_handoff(
            select(handoffs).where(handoffs.c.sender_id == sender_id)
            .where(handoffs.c.status != "closed")
            .order_by(desc(handoffs.c.created_at), desc(handoffs.c.id)).limit(1))

    def handoff_by_thread(self, slack_channel: str, slack_ts: str) -> Optional[Handoff]:
        """The handoff posted as this Slack message (a recruiter's reply is in its thread)."""
        return self._one_handoff(
            select(handoffs).where(handoffs.c.slack_channel == slack_channel)
            .where(handoffs.c.slack_ts == slack_ts)
            .order_by(desc(handoffs.c.id)).limit(1))

    def _one_handoff(self, query: Any) -> Optional[Handoff]:
        with self._db.read() as conn:
            row = conn.execute(query).first()
        return _handoff(row) if row else None

    # -- retention and the candidate's rights ------------------------------------------

    def purge_expired(self, now: Optional[datetime] = None) -> int:
        """Delete the applications past their `expires_at` and the handoffs created more than
        HANDOFF_RETENTION_DAYS ago, whatever their status; returns how many rows went."""
        moment = utc(now)
        handoff_cutoff = moment - timedelta(days=handoff_retention_days())
        with self._db.write() as conn:
            gone = conn.execute(delete(applications)
                                .where(applications.c.expires_at <= moment)).rowcount
            gone += conn.execute(delete(handoffs)
                                 .where(handoffs.c.created_at <= handoff_cutoff)).rowcount
        return int(gone)

    def held_for(self, sender_id: str) -> Held:
        """What is stored about this sender, expired or not (until purged, it is held)."""
        with self._db.read() as conn:
            rows = conn.execute(
                select(applications.c.reference, applications.c.role_slug,
                       applications.c.role_title, applications.c.created_at,
                       applications.c.expires_at)
                .where(applications.c.sender_id == sender_id)
                .order_by(applications.c.created_at, applications.c.id)).all()
            count = conn.execute(select(func.count()).select_from(handoffs)
                                 .where(handoffs.c.sender_id == sender_id)).scalar_one()
        held = tuple(HeldApplication(r.reference, r.role_slug, r.role_title, utc(r.created_at),
                                     utc(r.expires_at)) for r in rows)
        return Held(applications=held, handoffs=int(count))

    def forget(self, sender_id: str) -> Forgotten:
        """Delete every application and handoff of this sender, in one transaction."""
        with self._db.write() as conn:
            apps = conn.execute(delete(applications)
                                .where(applications.c.sender_id == sender_id)).rowcount
            hands = conn.execute(delete(handoffs)
                                 .where(handoffs.c.sender_id == sender_id)).rowcount
        return Forgotten(applications=int(apps), handoffs=int(hands))


def _application(row: Any) -> Application:
    return Application(
        reference=row.reference, sender_id=row.sender_id, role_slug=row.role_slug,
        role_title=row.role_title, name=row.name, email=row.email, profile_url=row.profile_url,
        consent=row.consent, created_at=utc(row.created_at), expires_at=utc(row.expires_at))


def _handoff(row: Any) -> Handoff:
    return Handoff(
        id=row.id, sender_id=row.sender_id, channel=row.channel, role_slug=row.role_slug,
        questions=tuple(row.questions or ()),
        transcript=tuple((str(s), str(t)) for s, t in (row.transcript or ())),
        application_reference=row.application_reference, email=row.email, status=row.status,
        created_at=utc(row.created_at), slack_channel=row.slack_channel, slack_ts=row.slack_ts,
        posted_at=utc(row.posted_at) if row.posted_at else None,
        closed_at=utc(row.closed_at) if row.closed_at else None)
