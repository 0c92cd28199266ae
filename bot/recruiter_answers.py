"""Answers from the recruiting team: unanswered questions become knowledge.

1. `RecruiterAnswers.post_digest` posts the gaps (bot/gaps.py) to the recruiters' Slack
   channel, one message per role and topic ("Candidates asked 5 times about benefits or
   perks for Registered Nurse, e.g. …"), and records each message.
2. A recruiter replies in that message's thread; the Slack events handler hands the reply
   to `RecruiterAnswers.record_thread_reply`, which keeps it as a pending answer for that
   role and topic, with its source: the recruiter's Slack id and name, the date, the exact
   text, the Slack channel and message ts.
3. Someone approves it (`python -m bot kb approve ID`, or a button in Slack calling
   `approve`); from then on the action server finds it with `approved_for(role, topic)`
   on each question the job description does not answer, and says it with
   `recruiter_answer_text` ("… but our recruiting team says: “…” (Jane Doe, 3 December
   2026)"). No code change, no retraining, no reload.

Everything lives in the candidates database (CANDIDATES_DATABASE_URL), which `make kb`
never drops. Nothing about candidates is stored here: the digest shows the gaps' examples,
already scrubbed of personal data, and keeps only (channel, ts, role, topic, count).

Provenance, as in the knowledge base (every fact quotes its source): an answer's `text`
is the recruiter's message or, when the approver trims it, an exact quote of it;
`source_document` renders the message as a plain text document and `quotes_source` checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import desc, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.gaps import GapLog, GapSummary
from bot.kb import KnowledgeBase
from bot.recruiters import RecruitersChannel, slack_escape
from bot.recruiting_db import Database, digest_posts, recruiter_answers, utc

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
#: One digest posts at most this many (role, topic) messages, the most asked first; the
#: rest are counted in its closing line.
MAX_DIGEST_POSTS = 20
#: Longer replies are kept whole as the source, but a recruiter's answer should be short.
MAX_ANSWER_CHARS = 4000


@dataclass(frozen=True)
class DigestPost:
    """One message of a digest: the (role, topic) gap it shows and where it was posted."""

    id: int
    slack_channel: str
    slack_ts: str
    role_slug: Optional[str]  # None: questions that named no role
    topic: str
    question_count: int
    posted_at: datetime


@dataclass(frozen=True)
class RecruiterAnswer:
    """A recruiter's reply to a digest post, pending, approved or rejected."""

    id: int
    role_slug: Optional[str]
    topic: str
    text: str  # what the bot says: `message`, or an exact quote of it chosen on approval
    message: str  # the recruiter's message as they wrote it (Slack markup decoded)
    author: str  # the recruiter's Slack user id
    author_name: Optional[str]  # their name, when the events handler gave it
    said_at: datetime  # when the message was posted (its Slack ts), UTC
    slack_channel: str
    slack_ts: str
    thread_ts: str  # the digest post it answers
    status: str  # PENDING, APPROVED or REJECTED
    received_at: datetime
    reviewed_by: Optional[str] = None
    reviewed_at: Optional[datetime] = None

    @property
    def who(self) -> str:
        """How a candidate is told who said it: the name, else 'a recruiter'."""
        return self.author_name or "a recruiter"


#: The names the issue uses; one type, told apart by `status`.
PendingAnswer = RecruiterAnswer
ApprovedAnswer = RecruiterAnswer


class UnknownAnswer(LookupError):
    """No recruiter answer has this id."""


class NotAQuote(ValueError):
    """An approved text must be an exact quote of the recruiter's message."""


class DigestFailed(Exception):
    """Slack refused a digest message part-way; `posted` were posted (and recorded)."""

    def __init__(self, posted: Sequence[DigestPost], cause: Exception) -> None:
        super().__init__(f"posted {len(posted)} digest message(s), then Slack failed: "
                         f"{type(cause).__name__}: {cause}")
        self.posted = list(posted)
        self.cause = cause


# -- words ------------------------------------------------------------------------------

def squash(text: str) -> str:
    """White space collapsed, as the knowledge base compares quotes."""
    return " ".join(text.split())


def slack_ts_time(ts: str) -> datetime:
    """A Slack message ts ("1796300000.000100": seconds since the epoch) as UTC."""
    return datetime.fromtimestamp(float(ts), timezone.utc)


def spoken_date(moment: datetime) -> str:
    """3 December 2026."""
    return f"{moment.day} {moment:%B %Y}"


_SLACK_LINK = re.compile(r"<((?:https?|mailto|tel):[^|>]*)(?:\|([^>]*))?>")
_SLACK_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>", re.IGNORECASE)
_SLACK_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>", re.IGNORECASE)
_SLACK_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")


def slack_plain_text(text: str) -> str:
    """What a person typed, from a Slack message's `text`: links as "label (url)" (or the
    address), mentions as "@name", then Slack's escapes (&amp; &lt; &gt;) undone."""
    def link(match: "re.Match[str]") -> str:
        url, label = match.group(1), match.group(2)
        address = re.sub(r"^(?:mailto|tel):", "", url)
        return address if not label or label in (url, address) else f"{label} ({address})"

    text = _SLACK_LINK.sub(link, text)
    text = _SLACK_USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _SLACK_CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SLACK_SPECIAL.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def digest_text(role_title: Optional[str], topic_label: str, count: int,
                examples: Sequence[str]) -> str:
    """One digest message, Slack mrkdwn; the candidates' words escaped, never ours."""
    times = "once" if count == 1 else f"{count} times"
    where = f"*{slack_escape(role_title)}*" if role_title else "a role they did not name"
    quoted = ", ".join(f"“{slack_escape(e)}”" for e in examples)
    example = f", e.g. {quoted}" if quoted else ""
    return (f"Candidates asked {times} about {slack_escape(topic_label)} for {where}{example}"
            f" — reply in this thread with the answer and I'll keep it for approval.")


def unplaced_text(count: int, more_posts: int = 0, more_questions: int = 0) -> str:
    """The digest's closing line: what it could not post as a topic to answer."""
    parts = []
    if more_posts:
        parts.append(f"{more_questions} more question(s) on {more_posts} other role(s) and "
                     f"topic(s) not shown here")
    if count:
        parts.append(f"{count} question(s) whose topic the bot could not tell (they cannot "
                     f"become a topic's answer)")
    return "Also: " + "; ".join(parts) + ". `python -m bot kb gaps` lists them all."


def approval_text(answer: RecruiterAnswer) -> str:
    """The acknowledgement in the digest's thread when a reply is kept for approval."""
    return (f"Kept as answer #{answer.id} for approval: "
            f"`python -m bot kb approve {answer.id}` (or `kb reject {answer.id}`).")


def recruiter_answer_text(role_title: Optional[str], topic_label: str,
                          answers: Sequence[RecruiterAnswer]) -> str:
    """What the bot says when the job description is silent on a topic but the recruiting
    team answered it: "The Registered Nurse job description doesn't cover benefits or
    perks, but our recruiting team says: “…” (Jane Doe, 3 December 2026)".

    `answers` as `approved_for` returns them (newest first), at least one.
    """
    if not answers:
        raise ValueError("recruiter_answer_text needs at least one answer")
    said = "; ".join(f"“{squash(slack_plain_text(a.text))}” ({a.who}, {spoken_date(a.said_at)})"
                     for a in answers)
    whose = f"The {role_title} job description doesn't" if role_title else \
        "Our job descriptions don't"
    return f"{whose} cover {topic_label}, but our recruiting team says: {said}"


def source_document(answer: RecruiterAnswer) -> str:
    """The recruiter's message as a plain text document, as the job descriptions in
    knowledge/sources are: who said it, when, where in Slack, and their exact words."""
    author = f"{answer.author_name} ({answer.author})" if answer.author_name else answer.author
    said = answer.said_at.astimezone(timezone.utc)
    return "\n".join([
        "Answer from the recruiting team",
        "",
        f"Author: {author}",
        f"Date: {spoken_date(said)}, {said:%H:%M} UTC",
        f"Slack message: channel {answer.slack_channel}, ts {answer.slack_ts} "
        f"(in the thread of digest message {answer.thread_ts})",
        f"Role: {answer.role_slug or '(any role)'}",
        f"Topic: {answer.topic}",
        "",
        answer.message,
        "",
    ])


def is_quote(text: str, message: str) -> bool:
    """Whether `text` occurs in `message`, white space aside (the knowledge base's rule)."""
    return bool(squash(text)) and squash(text) in squash(message)


def quotes_source(answer: RecruiterAnswer) -> bool:
    """The provenance check: the answer's text is a verbatim quote of its source document."""
    return is_quote(answer.text, answer.message) and \
        is_quote(answer.text, source_document(answer))


# -- the store --------------------------------------------------------------------------

class RecruiterAnswers:
    """Digest posts and recruiters' answers, in the candidates database."""

    def __init__(self, url: Optional[str] = None) -> None:
        self._db = Database(url)
        self.url = self._db.url

    def close(self) -> None:
        self._db.close()

    # -- the digest -------------------------------------------------------------------

    def post_digest(self, channel: RecruitersChannel, gaps: GapLog, kb: KnowledgeBase,
                    since: Optional[datetime] = None, now: Optional[datetime] = None, *,
                    role_slug: Optional[str] = None,
                    limit: int = MAX_DIGEST_POSTS) -> List[DigestPost]:
        """Post the gaps since `since` (all when None): one message per (role, topic),
        the most asked first, each recorded so a reply in its thread answers that gap;
        then one closing line for the gaps with no topic (and those beyond `limit`).
        No gaps: nothing is posted and the list is empty.

        Raises DigestFailed when Slack refuses part-way (what was posted stays recorded).
        """
        found = gaps.summary(role_slug, since)
        placed = [g for g in found if g.topic is not None]
        unplaced = sum(g.count for g in found if g.topic is None)
        shown, rest = placed[:limit], placed[limit:]
        titles: Dict[Optional[str], Optional[str]] = {None: None}
        labels: Dict[str, str] = {t.key: t.label for t in kb.topics()}
        messages: List[Tuple[GapSummary, str]] = []
        for gap in shown:
            topic = gap.topic or ""
            if gap.role_slug not in titles:
                role = kb.role(gap.role_slug) if gap.role_slug else None
                titles[gap.role_slug] = role.title if role else gap.role_slug
            messages.append((gap, digest_text(titles[gap.role_slug], labels.get(topic, topic),
                                              gap.count, gap.examples)))
        posted: List[DigestPost] = []
        try:
            for gap, text in messages:
                slack_channel, ts = channel.post_text(text)
                posted.append(self._record_post(slack_channel, ts, gap, now))
            if unplaced or rest:
                channel.post_text(unplaced_text(unplaced, len(rest), sum(g.count for g in rest)))
        except Exception as exc:
            raise DigestFailed(posted, exc) from exc
        return posted

    def _record_post(self, slack_channel: str, ts: str, gap: GapSummary,
                     now: Optional[datetime]) -> DigestPost:
        values = dict(slack_channel=slack_channel, slack_ts=ts, role_slug=gap.role_slug,
                      topic=gap.topic, question_count=gap.count, posted_at=utc(now))
        with self._db.write() as conn:
            new_id = conn.execute(insert(digest_posts).values(**values)).inserted_primary_key[0]
        return DigestPost(id=int(new_id), **values)  # type: ignore[arg-type]

    def digest_post(self, slack_channel: str, slack_ts: str) -> Optional[DigestPost]:
        """The digest message posted as (channel, ts), or None."""
        with self._db.read() as conn:
            row = conn.execute(select(digest_posts).where(
                digest_posts.c.slack_channel == slack_channel,
                digest_posts.c.slack_ts == slack_ts)).first()
        if row is None:
            return None
        return DigestPost(row.id, row.slack_channel, row.slack_ts, row.role_slug, row.topic,
                          row.question_count, utc(row.posted_at))

    # -- replies ----------------------------------------------------------------------

    def record_thread_reply(self, *, slack_channel: str, thread_ts: Optional[str],
                            author: str, text: str, ts: str, now: Optional[datetime] = None,
                            author_name: Optional[str] = None) -> Optional[RecruiterAnswer]:
        """A message in a thread of the recruiters' channel: when the thread is a digest
        post, keep the reply as a pending answer to that post's role and topic and return
        it; None for any other thread (a handoff, a conversation) or an empty message.

        `text` is the Slack event's `text` (its markup is decoded here), `ts` the message's
        own ts, `author` the user id, `author_name` the name shown to candidates. A second
        call for the same (channel, ts), as Slack retries deliver, returns the stored
        answer unchanged.
        """
        if not thread_ts or thread_ts == ts:
            return None
        post = self.digest_post(slack_channel, thread_ts)
        if post is None:
            return None
        existing = self._answer_where(slack_channel, ts)
        if existing is not None:
            return existing
        message = slack_plain_text(text)[:MAX_ANSWER_CHARS]
        if not message:
            return None
        values = dict(role_slug=post.role_slug, topic=post.topic, message=message,
                      text=message, author=author, author_name=author_name or None,
                      said_at=slack_ts_time(ts), slack_channel=slack_channel, slack_ts=ts,
                      thread_ts=thread_ts, status=PENDING, received_at=utc(now))
        try:
            with self._db.write() as conn:
                conn.execute(insert(recruiter_answers).values(**values))
        except IntegrityError:
            pass  # the same message, delivered twice at once: the other one stored it
        return self._answer_where(slack_channel, ts)

    # -- review -----------------------------------------------------------------------

    def pending(self) -> List[RecruiterAnswer]:
        """Answers waiting for approval, oldest first."""
        return self._answers(recruiter_answers.c.status == PENDING, newest_first=False)

    def answers(self, status: Optional[str] = APPROVED,
                role_slug: Optional[str] = None) -> List[RecruiterAnswer]:
        """Answers with this status (every status when None), of one role or all, newest
        first."""
        where = []
        if status is not None:
            where.append(recruiter_answers.c.status == status)
        if role_slug is not None:
            where.append(recruiter_answers.c.role_slug == role_slug)
        return self._answers(*where)

    def answer(self, answer_id: int) -> Optional[RecruiterAnswer]:
        found = self._answers(recruiter_answers.c.id == answer_id)
        return found[0] if found else None

    def approve(self, answer_id: int, by: str, now: Optional[datetime] = None,
                text: Optional[str] = None) -> RecruiterAnswer:
        """Approve an answer (pending, or rejected before): the bot says it from now on.
        `text`, when given, replaces what the bot says and must be an exact quote of the
        recruiter's message (NotAQuote otherwise). Approving it again changes nothing."""
        current = self._require(answer_id)
        if text is not None and not is_quote(text, current.message):
            raise NotAQuote(f"answer #{answer_id}: the text must be copied exactly from the "
                            f"recruiter's message (white space may differ)")
        if current.status == APPROVED and text is None:
            return current
        values = dict(status=APPROVED, reviewed_by=by, reviewed_at=utc(now))
        if text is not None:
            values["text"] = squash(text)
        return self._set(answer_id, values)

    def reject(self, answer_id: int, by: str, now: Optional[datetime] = None) -> RecruiterAnswer:
        """Reject a pending answer, or withdraw an approved one: the bot stops saying it."""
        current = self._require(answer_id)
        if current.status == REJECTED:
            return current
        return self._set(answer_id, dict(status=REJECTED, reviewed_by=by, reviewed_at=utc(now)))

    # -- what the bot says ------------------------------------------------------------

    def approved_for(self, role_slug: Optional[str], topic: str) -> List[RecruiterAnswer]:
        """The approved answers on this role's topic, newest first (one indexed query).
        `role_slug` None: the answers to questions that named no role. Only answers that
        quote their source are returned."""
        role = (recruiter_answers.c.role_slug.is_(None) if role_slug is None
                else recruiter_answers.c.role_slug == role_slug)
        found = self._answers(role, recruiter_answers.c.topic == topic,
                              recruiter_answers.c.status == APPROVED)
        return [a for a in found if quotes_source(a)]

    # -- plumbing ---------------------------------------------------------------------

    def _require(self, answer_id: int) -> RecruiterAnswer:
        found = self.answer(answer_id)
        if found is None:
            raise UnknownAnswer(f"no recruiter answer #{answer_id}")
        return found

    def _set(self, answer_id: int, values: Dict[str, object]) -> RecruiterAnswer:
        with self._db.write() as conn:
            conn.execute(update(recruiter_answers)
                         .where(recruiter_answers.c.id == answer_id).values(**values))
        return self._require(answer_id)

    def _answer_where(self, slack_channel: str, ts: str) -> Optional[RecruiterAnswer]:
        found = self._answers(recruiter_answers.c.slack_channel == slack_channel,
                              recruiter_answers.c.slack_ts == ts)
        return found[0] if found else None

    def _answers(self, *where, newest_first: bool = True) -> List[RecruiterAnswer]:
        order: Tuple = ((desc(recruiter_answers.c.said_at), desc(recruiter_answers.c.id))
                        if newest_first else
                        (recruiter_answers.c.said_at, recruiter_answers.c.id))
        with self._db.read() as conn:
            rows = conn.execute(select(recruiter_answers).where(*where).order_by(*order)).all()
        return [RecruiterAnswer(
            id=r.id, role_slug=r.role_slug, topic=r.topic, text=r.text, message=r.message,
            author=r.author, author_name=r.author_name, said_at=utc(r.said_at),
            slack_channel=r.slack_channel, slack_ts=r.slack_ts, thread_ts=r.thread_ts,
            status=r.status, received_at=utc(r.received_at), reviewed_by=r.reviewed_by,
            reviewed_at=utc(r.reviewed_at) if r.reviewed_at else None) for r in rows]
