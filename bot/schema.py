"""Tables of the knowledge base (SQLAlchemy Core; works on 1.4 with future=True and on 2.0)."""
from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: Bumped when the tables change; a database of another version is rebuilt on load.
SCHEMA_VERSION = "3"

metadata = MetaData()

kb_meta = Table(
    "kb_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", String(500), nullable=False, unique=True),
    Column("sha256", String(64), nullable=False),
    Column("text", Text, nullable=False),
)

topics = Table(
    "topics",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("label", String(200), nullable=False),
    Column("heading", String(200), nullable=False),
    Column("intro", Text),
    Column("format", String(16), nullable=False),
)

roles = Table(
    "roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(100), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("summary", Text, nullable=False),
    Column("summary_quote", Text, nullable=False),
    Column("source_id", ForeignKey("sources.id"), nullable=False),
    Column("job_file", String(500), nullable=False),
    # Where the careers site files the role (optional in the job file).
    Column("department", String(200)),
    Column("location", String(200)),
    Column("employment_type", String(100)),
    # How candidates apply (the job file's `application:` section, bot/application.py).
    Column("application_method", String(16), nullable=False, server_default="form"),
    Column("application_url", String(2000)),
    Column("application_closes", Date),
)

role_names = Table(
    "role_names",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    # Lower-cased, punctuation-free form used to resolve what users type.
    Column("normalized", String(200), nullable=False, unique=True),
)

facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), nullable=False),
    Column("topic_key", ForeignKey("topics.key"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("label", String(200)),
    Column("text", Text, nullable=False),
    Column("quote", Text, nullable=False),
    UniqueConstraint("role_id", "topic_key", "position"),
)
