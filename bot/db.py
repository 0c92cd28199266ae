"""Engines for the knowledge base database, read-only for readers where the backend allows."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url


def display_url(url: str) -> str:
    """The URL with any password masked, fit for logs."""
    return repr(make_url(url))


def sqlite_path(url: str) -> Path | None:
    """The file behind a file-backed SQLite URL, else None."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def reader_engine(url: str) -> Engine:
    """An engine that never creates or changes the database.

    For SQLite the file is opened read-only, so a missing file is an error instead of a
    new empty database, and readers never take the write lock a reload needs.
    """
    path = sqlite_path(url)
    if path is None:
        return create_engine(url, future=True, pool_pre_ping=True)
    # While a reload commits, readers wait for it (up to KB_BUSY_TIMEOUT_SECONDS), then
    # report the database as unavailable rather than hang the conversation.
    timeout = float(os.environ.get("KB_BUSY_TIMEOUT_SECONDS", "5"))
    return create_engine(
        f"sqlite:///file:{path}?mode=ro&uri=true",
        future=True,
        connect_args={"timeout": timeout, "check_same_thread": False},
    )


def writer_engine(url: str) -> Engine:
    """An engine for (re)loading the knowledge base; creates the SQLite folder if needed."""
    path = sqlite_path(url)
    if path is None:
        return create_engine(url, future=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when a transaction starts (see below).
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn):
        # Take the write lock up front: a reload is one transaction that readers see
        # entirely or not at all, and two reloads never interleave.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
