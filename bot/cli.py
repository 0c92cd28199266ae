"""Command line for hiring teams and the Makefile.

    python -m bot kb validate          check the knowledge files, change nothing
    python -m bot kb load              validate, then rebuild the database in one transaction
    python -m bot kb roles             list the roles in the database
    python -m bot kb show ROLE [TOPIC] print a role's facts (ROLE: slug, title or alias)
    python -m bot kb import FILE...    draft job files from job descriptions (text, Markdown, HTML)
    python -m bot kb gaps [--role SLUG] [--days N]
                                       questions the bot could not answer, by role and topic
    python -m bot nlp build OUT_DIR    build the spaCy pipeline Rasa loads (no role in it)

    python -m bot candidates list [--role SLUG]      applications, oldest first
    python -m bot candidates show REF                one application in full
    python -m bot candidates export [--format csv|json] [--role SLUG] [--out FILE]
    python -m bot candidates purge                   delete what is past its retention
    python -m bot candidates forget REF              delete everything of that application's sender
    python -m bot handoffs list [--status queued|posted|closed]

--db is the knowledge base; --candidates-db the database of applications, handoffs and
unanswered questions (default: CANDIDATES_DATABASE_URL or var/candidates.sqlite).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, Dict, List, Optional

from bot.answers import topic_answer
from bot.candidates import HANDOFF_STATUSES, Application, CandidateStore
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
    parser.add_argument("--candidates-db", metavar="URL",
                        help="candidates database URL (default: CANDIDATES_DATABASE_URL or "
                             "var/candidates.sqlite)")
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
    gaps = kb.add_parser("gaps", help="questions the bot could not answer, by role and topic")
    gaps.add_argument("--role", metavar="SLUG", help="one role only")
    gaps.add_argument("--days", type=_days, metavar="N", help="only the last N days")

    candidates = groups.add_parser("candidates", help="applications candidates sent")
    commands = candidates.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list applications, oldest first")
    listing.add_argument("--role", metavar="SLUG", help="one role only")
    shown = commands.add_parser("show", help="one application in full")
    shown.add_argument("reference", metavar="REF", help="e.g. APP-7K3Q9X")
    export = commands.add_parser("export", help="every application as CSV or JSON")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--role", metavar="SLUG", help="one role only")
    export.add_argument("--out", type=Path, metavar="FILE",
                        help="write to FILE, readable by its owner only (default: stdout)")
    commands.add_parser("purge", help="delete applications and handoffs past their retention")
    forget = commands.add_parser("forget", help="delete every application and handoff of the "
                                                "conversation that sent this application")
    forget.add_argument("reference", metavar="REF", help="e.g. APP-7K3Q9X")

    handoffs = groups.add_parser("handoffs", help="conversations handed to recruiters")
    handoff_commands = handoffs.add_subparsers(dest="command", required=True)
    handoff_list = handoff_commands.add_parser("list", help="list handoffs, oldest first")
    handoff_list.add_argument("--status", choices=HANDOFF_STATUSES)

    nlp = groups.add_parser("nlp", help="the spaCy pipeline").add_subparsers(dest="command", required=True)
    build = nlp.add_parser("build", help="build the spaCy pipeline (occupation titles, no role)")
    build.add_argument("out_dir", type=Path)
    return parser


def _days(text: str) -> int:
    days = int(text)
    if days < 1:
        raise argparse.ArgumentTypeError("N must be at least 1")
    return days


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


#: The columns of `candidates export`, in order.
EXPORT_FIELDS = ("reference", "created_at", "expires_at", "role_slug", "role_title", "name",
                 "email", "profile_url", "consent", "sender_id")


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _candidates(args: argparse.Namespace) -> int:
    """The candidates and handoffs groups: what candidates gave us, for the hiring team."""
    store = CandidateStore(args.candidates_db)
    try:
        if (args.group, args.command) == ("candidates", "list"):
            found = store.applications(args.role)
            for app in found:
                print(f"{app.reference}  {_day(app.created_at)}  {app.role_slug}  {app.name}  "
                      f"{app.email}  (expires {_day(app.expires_at)})")
            print(f"{len(found)} application(s)", file=sys.stderr)
            return 0
        if (args.group, args.command) == ("candidates", "show"):
            shown = store.application(args.reference)
            if shown is None:
                print(f"error: no application {args.reference!r}", file=sys.stderr)
                return 1
            for field, value in _exported(shown).items():
                print(f"{field + ':':<13} {value}")
            return 0
        if (args.group, args.command) == ("candidates", "export"):
            rows = [_exported(app) for app in store.applications(args.role)]
            if args.out is None:
                _write_export(rows, args.format, sys.stdout)
            else:
                # Personal data: the file is created readable by its owner only.
                fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with open(fd, "w", encoding="utf-8", newline="") as out:
                    _write_export(rows, args.format, out)
                print(f"exported {len(rows)} application(s) to {args.out}", file=sys.stderr)
            return 0
        if (args.group, args.command) == ("candidates", "purge"):
            print(f"removed {store.purge_expired()} expired record(s) (applications and handoffs)")
            return 0
        if (args.group, args.command) == ("candidates", "forget"):
            sent = store.application(args.reference)
            if sent is None:
                print(f"error: no application {args.reference!r}", file=sys.stderr)
                return 1
            gone = store.forget(sent.sender_id)
            print(f"deleted {gone.applications} application(s) and {gone.handoffs} handoff(s)")
            return 0
        if (args.group, args.command) == ("handoffs", "list"):
            listed = store.handoffs(args.status)
            for h in listed:
                where = f"slack {h.slack_channel} {h.slack_ts}" if h.slack_ts else "not in slack"
                print(f"#{h.id}  {_day(h.created_at)}  {h.status}  {h.channel}  "
                      f"{h.role_slug or '-'}  {len(h.questions)} question(s)  {where}")
            print(f"{len(listed)} handoff(s)", file=sys.stderr)
            return 0
    finally:
        store.close()
    raise AssertionError(f"unhandled command {args.group} {args.command}")


def _exported(app: Application) -> Dict[str, Any]:
    fields = asdict(app)
    fields.update(created_at=app.created_at.isoformat(timespec="seconds"),
                  expires_at=app.expires_at.isoformat(timespec="seconds"))
    return {name: fields[name] for name in EXPORT_FIELDS}


def _write_export(rows: List[Dict[str, Any]], fmt: str, out: IO[str]) -> None:
    if fmt == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a candidate's "=HYPERLINK(...)" as a name
    must not become a formula in the hiring team's spreadsheet."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _gaps(args: argparse.Namespace) -> int:
    from bot.gaps import GapLog

    since = datetime.now(timezone.utc) - timedelta(days=args.days) if args.days else None
    log = GapLog(args.candidates_db)
    try:
        found = log.summary(args.role, since)
    finally:
        log.close()
    if not found:
        print("no unanswered questions recorded", file=sys.stderr)
        return 0
    roles = max(len(s.role_slug or "(no role)") for s in found)
    topics = max(len(s.topic or "(no topic)") for s in found)
    for s in found:
        example = f'  e.g. "{s.examples[0]}"' if s.examples else ""
        print(f"{s.role_slug or '(no role)':<{roles}}  {s.topic or '(no topic)':<{topics}}  "
              f"{s.count} question(s){example}")
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.group in ("candidates", "handoffs"):
        return _candidates(args)
    if (args.group, args.command) == ("kb", "gaps"):
        return _gaps(args)
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
        print(f"# {shown.title} ({shown.slug}), source: {shown.source}\n")
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
