"""Loading validated knowledge files into the database, all or nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Optional

from sqlalchemy import delete, insert, inspect, select

from bot import schema
from bot.db import writer_engine
from bot.jobfiles import Knowledge, read_knowledge
from bot.names import normalize
from bot.settings import PROJECT_ROOT, database_url, knowledge_dir


@dataclass(frozen=True)
class LoadReport:
    roles: int
    facts: int
    url: str


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def load_knowledge(directory: Optional[Path] = None, url: Optional[str] = None) -> LoadReport:
    """Validate every knowledge file, then replace the database's content in one transaction.

    A validation error raises JobFileError before the database is touched; a database
    error rolls the transaction back. Either way readers keep the previous content.
    """
    knowledge = read_knowledge(directory or knowledge_dir())
    url = url or database_url()
    engine = writer_engine(url)
    try:
        with engine.begin() as conn:
            _ensure_schema(conn)
            count = _replace_content(conn, knowledge)
    finally:
        engine.dispose()
    return LoadReport(roles=len(knowledge.jobs), facts=count, url=url)


def _ensure_schema(conn) -> None:
    """Create the tables; rebuild them when they come from another schema version."""
    if inspect(conn).has_table("kb_meta"):
        version = conn.execute(
            select(schema.kb_meta.c.value).where(schema.kb_meta.c.key == "schema_version")
        ).scalar_one_or_none()
        if version != schema.SCHEMA_VERSION:
            schema.metadata.drop_all(conn)
    schema.metadata.create_all(conn)


def _replace_content(conn, knowledge: Knowledge) -> int:
    for table in (schema.facts, schema.role_names, schema.roles, schema.sources,
                  schema.topics, schema.kb_meta):
        conn.execute(delete(table))
    conn.execute(insert(schema.topics), [
        {"key": t.key, "position": t.position, "label": t.label, "heading": t.heading,
         "intro": t.intro, "format": t.format}
        for t in knowledge.topics
    ])
    source_ids = {}
    fact_count = 0
    for job in knowledge.jobs:
        source_key = _relative(job.source.path)
        if source_key not in source_ids:
            source_ids[source_key] = conn.execute(insert(schema.sources).values(
                path=source_key, sha256=job.source.sha256, text=job.source.text,
            )).inserted_primary_key[0]
        role_id = conn.execute(insert(schema.roles).values(
            slug=job.slug, title=job.title, summary=job.summary.text,
            summary_quote=job.summary.quote, source_id=source_ids[source_key],
            job_file=_relative(job.path), **job.listing,
            application_method=job.application.method, application_url=job.application.url,
            application_closes=job.application.closes,
        )).inserted_primary_key[0]
        names: Dict[str, str] = {}
        for name in job.names:
            names.setdefault(normalize(name), name)
        conn.execute(insert(schema.role_names), [
            {"role_id": role_id, "name": name, "normalized": key} for key, name in names.items()
        ])
        rows = [
            {"role_id": role_id, "topic_key": topic, "position": i, "label": fact.label,
             "text": fact.text, "quote": fact.quote}
            for topic, facts in job.topics.items() for i, fact in enumerate(facts)
        ]
        if rows:
            conn.execute(insert(schema.facts), rows)
        fact_count += len(rows)
    conn.execute(insert(schema.kb_meta), [
        {"key": "schema_version", "value": schema.SCHEMA_VERSION},
        {"key": "loaded_at", "value": datetime.now(timezone.utc).isoformat()},
    ])
    return fact_count
