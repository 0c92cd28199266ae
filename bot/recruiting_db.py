"""The database of what candidates give us (applications, handoffs), of the questions
the bot could not answer and of the recruiting team's answers to them. Apart from the
knowledge base, which `make kb` rebuilds at will: nothing here can be rebuilt, so nothing
here is ever dropped.

SQLAlchemy Core, portable SQL only, so the same code runs on SQLite (the default, one file
shared by several processes) and on PostgreSQL (the scaled setup).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator, Optional

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from bot.db import sqlite_path
from bot.settings import candidates_database_url

metadata = MetaData()

applications = Table(
    "candidate_applications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("role_slug", String(100), nullable=False, index=True),
    Column("role_title", String(200), nullable=False),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("profile_url", String(2000)),
    # The consent text (or its version) the candidate agreed to, as shown to them.
    Column("consent", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

handoffs = Table(
    "candidate_handoffs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("channel", String(50), nullable=False),
    Column("role_slug", String(100)),
    Column("questions", JSON, nullable=False),  # [question, ...]
    Column("transcript", JSON, nullable=False),  # [[speaker, text], ...]
    Column("application_reference", String(16)),
    Column("email", String(254)),
    Column("status", String(16), nullable=False, index=True),
    Column("slack_channel", String(50)),
    Column("slack_ts", String(50)),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("posted_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Index("ix_candidate_handoffs_thread", "slack_channel", "slack_ts"),
)

#: No sender id, on purpose: a gap is about the knowledge base, not about a person.
gaps = Table(
    "knowledge_gaps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("role_slug", String(100), index=True),
    Column("topic", String(64)),
    Column("question", Text, nullable=False),  # scrubbed of personal data before it is stored
    Column("reason", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)


#: Each message of a digest of gaps posted to the recruiters' Slack channel, so that a reply
#: in its thread can be tied to the role and topic it answers (bot/recruiter_answers.py).
digest_posts = Table(
    "knowledge_digest_posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slack_channel", String(50), nullable=False),
    Column("slack_ts", String(50), nullable=False),
    Column("role_slug", String(100)),  # None: questions that named no role
    Column("topic", String(64), nullable=False),
    Column("question_count", Integer, nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("slack_channel", "slack_ts", name="uq_knowledge_digest_posts_message"),
)

#: What recruiters answered in a digest's thread: a recruiter's Slack id and name and their
#: message, nothing of any candidate. Pending until approved; approved ones are answered.
recruiter_answers = Table(
    "recruiter_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("role_slug", String(100)),
    Column("topic", String(64), nullable=False),
    Column("message", Text, nullable=False),  # the recruiter's message: the source document
    Column("text", Text, nullable=False),  # what the bot says: the message or a quote of it
    Column("author", String(255), nullable=False),  # Slack user id
    Column("author_name", String(255)),  # their display name, when the handler knows it
    Column("said_at", DateTime(timezone=True), nullable=False),  # from the Slack ts
    Column("slack_channel", String(50), nullable=False),
    Column("slack_ts", String(50), nullable=False),
    Column("thread_ts", String(50), nullable=False),  # the digest post it answers
    Column("status", String(16), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("reviewed_by", String(255)),
    Column("reviewed_at", DateTime(timezone=True)),
    UniqueConstraint("slack_channel", "slack_ts", name="uq_recruiter_answers_message"),
    # approved_for(role, topic) on every question the job description does not answer
    Index("ix_recruiter_answers_lookup", "role_slug", "topic", "status"),
)


def utc(moment: Optional[datetime] = None) -> datetime:
    """`moment` (now when None) as an aware UTC datetime; a naive one is taken as UTC.

    Everything is stored in UTC: SQLite keeps no offset, so one zone keeps comparisons right.
    """
    if moment is None:
        return datetime.now(timezone.utc)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def candidates_engine(url: str) -> Engine:
    """An engine safe for several processes writing the same SQLite file.

    WAL lets readers go on while one process writes; every write transaction takes the write
    lock up front (BEGIN IMMEDIATE) and waits up to 30 s for it, so two writers queue
    instead of failing with "database is locked" half-way. Other backends are left as they are.
    """
    path = sqlite_path(url)
    if path is None and url.startswith("sqlite"):
        # In memory: one connection, or every connection would see its own empty database.
        return create_engine(url, future=True, poolclass=StaticPool,
                             connect_args={"check_same_thread": False})
    if path is None:
        return create_engine(url, future=True, pool_pre_ping=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True,
                           connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when a transaction starts (see below).
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=30000")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        if conn.get_execution_options().get("candidates_read"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """One engine on the candidates database; tables are created on first use."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or candidates_database_url()
        self._engine = candidates_engine(self.url)
        self._reader = self._engine.execution_options(candidates_read=True)
        self._created = False
        self._creating = threading.Lock()

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        self._ensure_tables()
        with self._engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        self._ensure_tables()
        with self._reader.connect() as conn:
            yield conn

    def _ensure_tables(self) -> None:
        if self._created:
            return
        with self._creating:
            if self._created:
                return
            try:
                with self._engine.begin() as conn:
                    metadata.create_all(conn)
            except SQLAlchemyError:
                # Another process created them between our check and our CREATE (PostgreSQL
                # has no lock for that); a second look finds them.
                with self._engine.begin() as conn:
                    metadata.create_all(conn)
            self._created = True
