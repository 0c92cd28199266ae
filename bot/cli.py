"""Command line for hiring teams and the Makefile.

    python -m bot kb validate          check the knowledge files, change nothing
    python -m bot kb load              validate, then rebuild the database in one transaction
    python -m bot kb roles             list the roles in the database
    python -m bot kb show ROLE [TOPIC] print a role's facts (ROLE: slug, title or alias)
    python -m bot kb import FILE...    draft job files from job descriptions (text, Markdown, HTML)
    python -m bot kb gaps [--role SLUG] [--days N] [--post]
                                       questions the bot could not answer, by role and topic;
                                       --post: as a digest in the recruiters' Slack channel
    python -m bot kb pending           recruiters' answers (Slack digest threads) to approve
    python -m bot kb approve ID [--by NAME] [--quote TEXT]
                                       the bot says it from now on (TEXT: a part of it)
    python -m bot kb reject ID [--by NAME]   reject it, or withdraw an approved answer
    python -m bot kb answers [ROLE]    approved recruiters' answers, with their source
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
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Dict, List, Optional

from bot.answers import topic_answer
from bot.application import ApplicationSettings
from bot.candidates import HANDOFF_STATUSES, Application, CandidateStore
from bot.db import display_url
from bot.errors import KnowledgeBaseError
from bot.jobfiles import read_knowledge
from bot.kb import KnowledgeBase
from bot.loader import load_knowledge
from bot.settings import knowledge_dir

if TYPE_CHECKING:
    from bot.recruiter_answers import RecruiterAnswer


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
    gaps.add_argument("--post", action="store_true",
                      help="post them to the recruiters' Slack channel (SLACK_BOT_TOKEN, "
                           "SLACK_RECRUITERS_CHANNEL), one message per role and topic")
    kb.add_parser("pending", help="recruiters' answers waiting for approval")
    approve = kb.add_parser("approve", help="approve a recruiter's answer: the bot says it")
    approve.add_argument("id", type=int, metavar="ID")
    approve.add_argument("--by", metavar="NAME", help="who approves (default: your user name)")
    approve.add_argument("--quote", metavar="TEXT",
                         help="say only this part of the message (copied exactly)")
    reject = kb.add_parser("reject", help="reject a recruiter's answer, or withdraw it")
    reject.add_argument("id", type=int, metavar="ID")
    reject.add_argument("--by", metavar="NAME", help="who rejects (default: your user name)")
    answers = kb.add_parser("answers", help="approved recruiters' answers with their source")
    answers.add_argument("role", nargs="?", metavar="ROLE", help="one role's slug")

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
                # What the recruiter is to answer, and how to reach the candidate.
                for question in h.questions:
                    print(f"    > {question}")
                if h.application_reference or h.email:
                    print(f"    reply to: {h.email or '-'} (application "
                          f"{h.application_reference or '-'})")
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
    if args.post:
        return _post_digest(args, since)
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


def _post_digest(args: argparse.Namespace, since: Optional[datetime]) -> int:
    from bot.gaps import GapLog
    from bot.recruiter_answers import DigestFailed, RecruiterAnswers
    from bot.recruiters import RecruitersChannel

    channel = RecruitersChannel.from_env()
    if channel is None:
        print("error: Slack is not configured: set SLACK_BOT_TOKEN and SLACK_RECRUITERS_CHANNEL "
              "(docs/slack.md) to post the digest; nothing posted", file=sys.stderr)
        return 2
    log, store, kb = GapLog(args.candidates_db), RecruiterAnswers(args.candidates_db), \
        KnowledgeBase(args.db)
    try:
        posted = store.post_digest(channel, log, kb, since, role_slug=args.role)
    except DigestFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        log.close()
        store.close()
        kb.close()
    if not posted:
        print("no unanswered questions on a topic to post: nothing posted", file=sys.stderr)
        return 0
    for post in posted:
        print(f"posted  {post.role_slug or '(no role)'}  {post.topic}  "
              f"{post.question_count} question(s)  slack {post.slack_channel} {post.slack_ts}")
    print(f"posted {len(posted)} message(s) to {channel.channel}; replies in their threads "
          f"wait for `python -m bot kb pending`", file=sys.stderr)
    return 0


def _answer_line(answer: "RecruiterAnswer") -> str:
    who = f"{answer.author_name} ({answer.author})" if answer.author_name else answer.author
    return (f"#{answer.id}  {_day(answer.said_at)}  {answer.role_slug or '(no role)'}  "
            f"{answer.topic}  {who}  [{answer.status}]")


def _recruiter_answers(args: argparse.Namespace) -> int:
    """kb pending / approve / reject / answers: the recruiting team's answers to gaps."""
    from bot.recruiter_answers import (
        NotAQuote,
        RecruiterAnswers,
        UnknownAnswer,
        quotes_source,
        source_document,
    )

    store = RecruiterAnswers(args.candidates_db)
    try:
        if args.command == "pending":
            waiting = store.pending()
            for answer in waiting:
                print(_answer_line(answer))
                print("\n".join(f"    > {line}" for line in answer.message.splitlines()))
            print(f"{len(waiting)} answer(s) waiting: `python -m bot kb approve ID` or "
                  f"`kb reject ID`", file=sys.stderr)
            return 0
        if args.command == "answers":
            approved = store.answers(role_slug=args.role)
            for answer in approved:
                print(_answer_line(answer) + f"  approved by {answer.reviewed_by or '-'}")
                print(f"    says: {answer.text}")
                check = "the text quotes it" if quotes_source(answer) else \
                    "WARNING: the text does not quote it, the bot does not say it"
                print(f"    source ({check}):")
                print("\n".join(f"      | {line}" if line else "      |"
                                for line in source_document(answer).rstrip("\n").splitlines()))
            print(f"{len(approved)} approved answer(s)", file=sys.stderr)
            return 0
        by = args.by or _user_name()
        try:
            if args.command == "approve":
                done = store.approve(args.id, by=by, text=args.quote)
            else:
                done = store.reject(args.id, by=by)
        except (UnknownAnswer, NotAQuote) as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return 1
        print(_answer_line(done))
        print(f"    says: {done.text}")
        return 0
    finally:
        store.close()


def _user_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment (a container)
        return "cli"


def _run(args: argparse.Namespace) -> int:
    if args.group in ("candidates", "handoffs"):
        return _candidates(args)
    if (args.group, args.command) == ("kb", "gaps"):
        return _gaps(args)
    if args.group == "kb" and args.command in ("pending", "approve", "reject", "answers"):
        return _recruiter_answers(args)
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
