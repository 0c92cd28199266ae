"""Reading the knowledge base: roles, their names, and their facts by topic."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot import schema
from bot.application import DEFAULT_APPLICATION, ApplicationSettings
from bot.db import display_url, reader_engine
from bot.errors import KnowledgeBaseUnavailable
from bot.mentions import Mention, NamedRole, RoleMatcher, find_mentions, occupation_matcher
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
    department: Optional[str] = None
    location: Optional[str] = None
    employment_type: Optional[str] = None
    #: How candidates apply: the chat's form or the employer's page, and the closing date.
    application: ApplicationSettings = DEFAULT_APPLICATION


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
        self._matcher: Optional[Tuple[Optional[str], RoleMatcher]] = None
        # The action server answers in worker threads; spaCy's tokenizer and matchers are
        # shared by them and not documented as thread-safe, so one uses them at a time.
        self._matching = threading.Lock()

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

    def stamp(self) -> Optional[str]:
        """When the knowledge base was last loaded: changes with every `kb load`."""
        return self._scalar(
            select(schema.kb_meta.c.value).where(schema.kb_meta.c.key == "loaded_at"))

    def role_matcher(self) -> RoleMatcher:
        """The roles as a matcher for messages, rebuilt when the knowledge base is reloaded."""
        stamp = self.stamp()
        if self._matcher is None or self._matcher[0] != stamp:
            named = [NamedRole(r.slug, r.names) for r in self.roles()]
            self._matcher = (stamp, RoleMatcher(named))
        return self._matcher[1]

    def roles_containing(self, text: str) -> Tuple[str, ...]:
        """Slugs of the roles one of whose names has every word of `text` ("warehouse")."""
        matcher = self.role_matcher()
        with self._matching:
            return matcher.containing(text)

    def mentions(self, text: str) -> List[Mention]:
        """The roles of the knowledge base, and other occupations, that a message names."""
        matcher = self.role_matcher()
        with self._matching:
            return find_mentions(text, matcher, occupation_matcher())

    def roles(self) -> List[Role]:
        """Every role, in title order."""
        names = self._names_by_role()
        rows = self._rows(self._role_rows().order_by(schema.roles.c.title))
        return [self._role(r, names.get(r.id, (r.title,))) for r in rows]

    def role(self, slug: str) -> Optional[Role]:
        """The role with this slug, or None (two small queries, whatever the number of roles)."""
        rows = self._rows(self._role_rows().where(schema.roles.c.slug == slug))
        if not rows:
            return None
        r = rows[0]
        return self._role(r, self._names_by_role(r.id).get(r.id, (r.title,)))

    @staticmethod
    def _role(row, names: Tuple[str, ...]) -> Role:
        application = ApplicationSettings(row.application_method, row.application_url,
                                          row.application_closes)
        return Role(row.slug, row.title, row.summary, names, row.path, row.department,
                    row.location, row.employment_type, application)

    @staticmethod
    def _role_rows():
        return (select(schema.roles.c.id, schema.roles.c.slug, schema.roles.c.title,
                       schema.roles.c.summary, schema.roles.c.department, schema.roles.c.location,
                       schema.roles.c.employment_type, schema.roles.c.application_method,
                       schema.roles.c.application_url, schema.roles.c.application_closes,
                       schema.sources.c.path)
                .join(schema.sources, schema.sources.c.id == schema.roles.c.source_id))

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

    def _names_by_role(self, role_id: Optional[int] = None) -> Dict[int, Tuple[str, ...]]:
        query = select(schema.role_names.c.role_id, schema.role_names.c.name)
        if role_id is not None:
            query = query.where(schema.role_names.c.role_id == role_id)
        rows = self._rows(query.order_by(schema.role_names.c.id))
        names: Dict[int, List[str]] = {}
        for r in rows:
            names.setdefault(r.role_id, []).append(r.name)
        return {k: tuple(v) for k, v in names.items()}

    def _rows(self, statement) -> list:
        try:
            with self._engine.connect() as conn:
                return conn.execute(statement).all()
        except (DBAPIError, SQLAlchemyError) as exc:
            raise self._unavailable(exc) from exc

    def _scalar(self, statement):
        rows = self._rows(statement)
        return rows[0][0] if rows else None

    def _unavailable(self, exc: Exception) -> KnowledgeBaseUnavailable:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return KnowledgeBaseUnavailable(
            f"cannot read the knowledge base at {display_url(self.url)}: {reason} "
            "(build it with `python -m bot kb load`)")
