"""Reading the knowledge base: roles, their names, and their facts by topic."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot import schema
from bot.db import display_url, reader_engine
from bot.errors import KnowledgeBaseUnavailable
from bot.names import best_match
from bot.settings import database_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Role:
    slug: str
    title: str
    summary: str
    names: Tuple[str, ...]  # the title first, then the aliases
    source: str  # path of the source document, relative to the project


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    heading: str
    intro: Optional[str]
    format: str  # "list" or "paragraph"


@dataclass(frozen=True)
class Fact:
    topic: str
    text: str
    quote: str  # the exact sentence of the source document this fact comes from
    label: Optional[str] = None


class KnowledgeBase:
    """Read-only access to the knowledge base; one instance per process, safe to share."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or database_url()
        self._engine = reader_engine(self.url)

    def close(self) -> None:
        self._engine.dispose()

    # -- queries -----------------------------------------------------------------------

    def check(self) -> int:
        """Raise KnowledgeBaseUnavailable unless the database is loaded; returns #roles."""
        version = self._scalar(
            select(schema.kb_meta.c.value).where(schema.kb_meta.c.key == "schema_version"))
        if version != schema.SCHEMA_VERSION:
            raise KnowledgeBaseUnavailable(
                f"knowledge base at {display_url(self.url)} has schema version {version!r}, "
                f"expected {schema.SCHEMA_VERSION!r}: run `python -m bot kb load`")
        count = len(self.roles())
        if count == 0:
            raise KnowledgeBaseUnavailable(
                f"knowledge base at {display_url(self.url)} holds no role: run `python -m bot kb load`")
        return count

    def roles(self) -> List[Role]:
        """Every role, in title order."""
        names = self._names_by_role()
        rows = self._rows(
            select(schema.roles.c.id, schema.roles.c.slug, schema.roles.c.title,
                   schema.roles.c.summary, schema.sources.c.path)
            .join(schema.sources, schema.sources.c.id == schema.roles.c.source_id)
            .order_by(schema.roles.c.title))
        return [Role(r.slug, r.title, r.summary, names.get(r.id, (r.title,)), r.path) for r in rows]

    def role(self, slug: str) -> Optional[Role]:
        """The role with this slug, or None."""
        return next((r for r in self.roles() if r.slug == slug), None)

    def resolve_role(self, mention: str) -> Optional[Role]:
        """The role a user means by `mention` ("ML engineers", "MLE", a typo), or None."""
        rows = self._rows(
            select(schema.role_names.c.normalized, schema.roles.c.slug)
            .join(schema.roles, schema.roles.c.id == schema.role_names.c.role_id))
        slug = best_match(mention, [(r.normalized, r.slug) for r in rows])
        return self.role(slug) if slug else None

    def topics(self) -> List[Topic]:
        rows = self._rows(select(schema.topics).order_by(schema.topics.c.position))
        return [Topic(r.key, r.label, r.heading, r.intro, r.format) for r in rows]

    def topic(self, key: str) -> Optional[Topic]:
        rows = self._rows(select(schema.topics).where(schema.topics.c.key == key))
        return Topic(rows[0].key, rows[0].label, rows[0].heading, rows[0].intro,
                     rows[0].format) if rows else None

    def facts(self, slug: str, topic: str) -> List[Fact]:
        """The facts the role's job description states on one topic, in file order."""
        return self._facts(slug, [topic]).get(topic, [])

    def profile(self, slug: str) -> Dict[str, List[Fact]]:
        """Every topic the role's job description covers, with its facts, in topic order."""
        return self._facts(slug, None)

    def source_text(self, slug: str) -> Optional[str]:
        return self._scalar(
            select(schema.sources.c.text)
            .join(schema.roles, schema.roles.c.source_id == schema.sources.c.id)
            .where(schema.roles.c.slug == slug))

    # -- plumbing ----------------------------------------------------------------------

    def _facts(self, slug: str, topics: Optional[Sequence[str]]) -> Dict[str, List[Fact]]:
        f, t = schema.facts, schema.topics
        query = (
            select(f.c.topic_key, f.c.label, f.c.text, f.c.quote)
            .join(schema.roles, schema.roles.c.id == f.c.role_id)
            .join(t, t.c.key == f.c.topic_key)
            .where(schema.roles.c.slug == slug)
            .order_by(t.c.position, f.c.position))
        if topics is not None:
            query = query.where(f.c.topic_key.in_(list(topics)))
        result: Dict[str, List[Fact]] = {}
        for r in self._rows(query):
            result.setdefault(r.topic_key, []).append(Fact(r.topic_key, r.text, r.quote, r.label))
        return result

    def _names_by_role(self) -> Dict[int, Tuple[str, ...]]:
        rows = self._rows(select(schema.role_names.c.role_id, schema.role_names.c.name)
                          .order_by(schema.role_names.c.id))
        names: Dict[int, List[str]] = {}
        for r in rows:
            names.setdefault(r.role_id, []).append(r.name)
        return {k: tuple(v) for k, v in names.items()}

    def _rows(self, statement) -> list:  # type: ignore[no-untyped-def]
        try:
            with self._engine.connect() as conn:
                return conn.execute(statement).all()
        except (DBAPIError, SQLAlchemyError) as exc:
            raise self._unavailable(exc) from exc

    def _scalar(self, statement):  # type: ignore[no-untyped-def]
        rows = self._rows(statement)
        return rows[0][0] if rows else None

    def _unavailable(self, exc: Exception) -> KnowledgeBaseUnavailable:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return KnowledgeBaseUnavailable(
            f"cannot read the knowledge base at {display_url(self.url)}: {reason} "
            "(build it with `python -m bot kb load`)")
