"""Command line for hiring teams and the Makefile.

    python -m bot kb validate          check the knowledge files, change nothing
    python -m bot kb load              validate, then rebuild the database in one transaction
    python -m bot kb roles             list the roles in the database
    python -m bot kb show ROLE [TOPIC] print a role's facts (ROLE: slug, title or alias)
    python -m bot kb import FILE...    draft job files from job descriptions (text, Markdown, HTML)
    python -m bot nlp build OUT_DIR    build the spaCy pipeline Rasa loads (no role in it)
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import List, Optional

from bot.answers import topic_answer
from bot.application import ApplicationSettings
from bot.db import display_url
from bot.errors import KnowledgeBaseError
from bot.jobfiles import read_knowledge
from bot.kb import KnowledgeBase
from bot.loader import load_knowledge
from bot.settings import knowledge_dir


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: KB_DATABASE_URL or var/knowledge.sqlite)")
    parser.add_argument("--knowledge", type=Path, help="knowledge folder (default: knowledge/)")
    groups = parser.add_subparsers(dest="group", required=True)

    kb = groups.add_parser("kb", help="the knowledge base").add_subparsers(dest="command", required=True)
    kb.add_parser("validate", help="check the knowledge files, change nothing")
    kb.add_parser("load", help="validate and rebuild the database")
    kb.add_parser("roles", help="list the roles")
    show = kb.add_parser("show", help="print a role's facts as the bot says them")
    show.add_argument("role", help="slug, title or any alias")
    show.add_argument("topic", nargs="?", help="one topic (default: all)")
    show.add_argument("--quotes", action="store_true", help="also print each fact's source quote")

    imports = kb.add_parser("import", help="draft job files from job descriptions (text, Markdown, HTML)")
    imports.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imports.add_argument("--title", help="the role's title (default: found in the document)")
    imports.add_argument("--slug", help="the role's slug (default: made from the title)")
    imports.add_argument("--force", action="store_true", help="replace a role with the same slug")

    nlp = groups.add_parser("nlp", help="the spaCy pipeline").add_subparsers(dest="command", required=True)
    build = nlp.add_parser("build", help="build the spaCy pipeline (occupation titles, no role)")
    build.add_argument("out_dir", type=Path)
    return parser


def application_line(application: ApplicationSettings, today: date) -> str:
    """How `kb show` states a role's application settings (the job file's `application:`)."""
    if application.method == "link":
        how = f"link: candidates apply at {application.url}"
    else:
        how = "form: candidates apply in the chat"
    if application.closes is None:
        when = "no closing date"
    else:
        state = "closed" if application.is_closed(today) else "open"
        when = f"closes {application.closes.isoformat()} ({state} today)"
    return f"application: {how}; {when}"


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except KnowledgeBaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _import(args: argparse.Namespace, directory: Path) -> int:
    """Import each file on its own: a refused file is named, nothing of it is written,
    and the others still import; the exit status says whether all did."""
    from bot.importer import ImportRefused, import_file, report_lines, topic_keys_of, write_draft

    if (args.title or args.slug) and len(args.files) > 1:
        print("error: --title and --slug name one role: give exactly one FILE", file=sys.stderr)
        return 2
    topic_keys = topic_keys_of(directory)
    failed = 0
    for path in args.files:
        try:
            draft = import_file(path, topic_keys, args.title, args.slug)
            written = write_draft(draft, directory, force=args.force)
        except ImportRefused as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        except KnowledgeBaseError as exc:
            print(f"error: {path}: the draft does not validate, nothing written:\n{exc}",
                  file=sys.stderr)
            failed += 1
            continue
        print("\n".join(report_lines(written, topic_keys)))
    if failed:
        print(f"{failed} of {len(args.files)} file(s) not imported", file=sys.stderr)
    return 1 if failed else 0


def _run(args: argparse.Namespace) -> int:
    directory = args.knowledge or knowledge_dir()
    if (args.group, args.command) == ("kb", "validate"):
        knowledge = read_knowledge(directory)
        facts = sum(len(f) for job in knowledge.jobs for f in job.topics.values())
        print(f"ok: {len(knowledge.jobs)} role(s), {facts} facts, every quote found in its source")
        return 0
    if (args.group, args.command) == ("kb", "import"):
        return _import(args, directory)
    if (args.group, args.command) == ("kb", "load"):
        report = load_knowledge(directory, args.db)
        print(f"loaded {report.roles} role(s) and {report.facts} facts into {display_url(report.url)}")
        return 0

    if (args.group, args.command) == ("nlp", "build"):
        from bot.mentions import read_occupations
        from bot.nlp import save_pipeline  # spaCy is slow to import; only here

        titles = read_occupations()
        out = save_pipeline(titles, args.out_dir.resolve())
        print(f"built spaCy pipeline with {len(titles)} occupation titles in {out}")
        return 0

    kb = KnowledgeBase(args.db)
    if (args.group, args.command) == ("kb", "roles"):
        for role in kb.roles():
            print(f"{role.slug}\t{role.title}\t(also: {', '.join(role.names[1:]) or '-'})")
        return 0
    if (args.group, args.command) == ("kb", "show"):
        shown = kb.role(args.role) or kb.resolve_role(args.role)
        if shown is None:
            print(f"error: no role matches {args.role!r}", file=sys.stderr)
            return 1
        profile = kb.profile(shown.slug)
        topics = [t for t in kb.topics() if args.topic in (None, t.key)]
        if args.topic and not topics:
            print(f"error: unknown topic {args.topic!r}", file=sys.stderr)
            return 1
        print(f"# {shown.title} ({shown.slug}), source: {shown.source}")
        print(f"{application_line(shown.application, date.today())}\n")
        for topic in topics:
            stated = profile.get(topic.key, [])
            print(f"## {topic.heading} [{topic.key}]")
            print(topic_answer(shown, topic, stated) if stated else "(the job description does not say)")
            if args.quotes:
                for fact in stated:
                    print(f'    quote: "{fact.quote}"')
            print()
        return 0
    raise AssertionError(f"unhandled command {args.group} {args.command}")
