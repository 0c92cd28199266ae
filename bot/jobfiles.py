"""Reading and validating the human-edited knowledge files (topics.yml, jobs/*.yml).

Every problem is reported with its file, line and field, and all problems of all files
are collected before anything is loaded, so a hiring team fixes them in one pass.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.application import APPLICATION_METHODS, DEFAULT_APPLICATION, ApplicationSettings
from bot.errors import JobFileError, Problem
from bot.names import normalize

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_FORMATS = ("list", "paragraph")
# Figures a text may only state when its quote states them too.
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty"
).split()
_FIGURE = re.compile(r"\d[\d,.]*\d|\d|\b(?:%s)\b" % "|".join(_NUMBER_WORDS), re.IGNORECASE)


@dataclass(frozen=True)
class TopicSpec:
    key: str
    position: int
    label: str
    heading: str
    intro: Optional[str]
    format: str


@dataclass(frozen=True)
class FactSpec:
    text: str
    quote: str
    label: Optional[str] = None


@dataclass(frozen=True)
class SourceDoc:
    path: Path
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


#: Optional one-line fields of a job file that file the role on the careers site.
LISTING_FIELDS = ("department", "location", "employment_type")


@dataclass(frozen=True)
class JobSpec:
    path: Path
    slug: str
    title: str
    aliases: Tuple[str, ...]
    source: SourceDoc
    summary: FactSpec
    topics: Dict[str, List[FactSpec]] = field(default_factory=dict)
    #: Where the careers site files the role (search and filters); each as the source says it.
    listing: Dict[str, str] = field(default_factory=dict)
    #: How candidates apply (the `application:` section; the chat's form when there is none).
    application: ApplicationSettings = DEFAULT_APPLICATION

    @property
    def names(self) -> Tuple[str, ...]:
        """The title first, then the aliases: every name the role answers to."""
        return (self.title, *self.aliases)


def squash(text: str) -> str:
    """Collapse runs of white space, as YAML folding and line wrapping produce them."""
    return " ".join(text.split())


class _Collector:
    """Collects problems of one file, with line numbers taken from the YAML nodes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: List[Problem] = []

    def add(self, node: Any, key: Any, field_path: str, message: str, at_key: bool = False) -> None:
        """Record a problem at node[key]'s value (or at the key itself when at_key)."""
        self.problems.append(Problem(self.path, _line_of(node, key, at_key), field_path, message))

    def text(self, node: Any, key: str, field_path: str, required: bool = True) -> Optional[str]:
        """A non-empty string at node[key], or None after recording why not."""
        if not isinstance(node, dict) or key not in node or node[key] is None:
            if required:
                self.add(node, None, field_path, "is missing")
            return None
        value = node[key]
        if not isinstance(value, str) or not value.strip():
            self.add(node, key, field_path, f"must be non-empty text, got {_describe(value)}")
            return None
        return squash(value)

    def mapping(self, node: Any, key: str, field_path: str) -> Optional[dict]:
        if not isinstance(node, dict) or key not in node:
            self.add(node, None, field_path, "is missing")
            return None
        value = node[key]
        if not isinstance(value, dict):
            self.add(node, key, field_path, f"must be a mapping, got {_describe(value)}")
            return None
        return value

    def unknown_keys(self, node: dict, allowed: Sequence[str], prefix: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(node, key, _join(prefix, str(key)),
                         f"unknown field (allowed: {', '.join(allowed)})", at_key=True)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _line_of(node: Any, key: Any, at_key: bool = False) -> Optional[int]:
    """The 1-based line of node[key]'s value, of the key itself, or of node, in its file."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return lc.line + 1
        if isinstance(node, list):
            return lc.item(key)[0] + 1
        if at_key or node.get(key) is None:
            return lc.key(key)[0] + 1
        return lc.value(key)[0] + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return lc.line + 1


class _SafeConstructor(SafeConstructor):
    """YAML 1.1's timestamps (`closes: 2027-01-31`) stay text: the checks below parse them
    and report an impossible date (2027-02-30) with its line, where the stock constructor
    would raise a bare ValueError."""


class _RoundTripConstructor(RoundTripConstructor):
    __doc__ = _SafeConstructor.__doc__


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SafeConstructor.add_constructor(_TIMESTAMP, SafeConstructor.construct_yaml_str)
_RoundTripConstructor.add_constructor(_TIMESTAMP, RoundTripConstructor.construct_yaml_str)


def _read_yaml(path: Path, problems: List[Problem], lines: bool = True) -> Any:
    """The file's YAML: with line numbers (ruamel's round-trip loader, pure Python), or
    without (its C loader, ~20x faster) when no problem is expected to be reported."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, None, "", f"is not UTF-8 text ({exc.reason})"))
        return None
    except OSError as exc:
        problems.append(Problem(path, None, "", f"cannot be read ({exc.strerror})"))
        return None
    yaml = YAML(typ="rt" if lines else "safe", pure=False)
    yaml.Constructor = _RoundTripConstructor if lines else _SafeConstructor
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problems.append(Problem(path, line, "", f"is not valid YAML: {exc.problem or exc.context}"))
    except YAMLError as exc:
        problems.append(Problem(path, None, "", f"is not valid YAML: {exc}"))
    return None


def read_topics(path: Path) -> Tuple[List[TopicSpec], List[Problem]]:
    """Parse topics.yml into topic specs (valid ones only), with the problems found."""
    problems: List[Problem] = []
    data = _read_yaml(path, problems)
    if data is None:
        return [], problems or [Problem(path, None, "", "is empty")]
    check = _Collector(path)
    specs: List[TopicSpec] = []
    if not isinstance(data, dict):
        check.add(data, None, "", "must be a mapping with a 'topics' field")
        return [], check.problems
    check.unknown_keys(data, ["topics"], "")
    entries = check.mapping(data, "topics", "topics") or {}
    for position, (key, entry) in enumerate(entries.items()):
        where = f"topics.{key}"
        if not isinstance(key, str) or not re.match(r"^[a-z][a-z0-9_]*$", key):
            check.add(entries, key, where, "topic keys are lower_snake_case words", at_key=True)
            continue
        if not isinstance(entry, dict):
            check.add(entries, key, where, f"must be a mapping, got {_describe(entry)}")
            continue
        check.unknown_keys(entry, ["label", "heading", "intro", "format"], where)
        label = check.text(entry, "label", f"{where}.label")
        heading = check.text(entry, "heading", f"{where}.heading")
        intro = check.text(entry, "intro", f"{where}.intro", required=False)
        fmt = check.text(entry, "format", f"{where}.format")
        if fmt is not None and fmt not in TOPIC_FORMATS:
            check.add(entry, "format", f"{where}.format",
                      f"must be one of {', '.join(TOPIC_FORMATS)}, got {fmt!r}")
            fmt = None
        if intro is not None:
            try:
                intro.format(title="x")
            except (KeyError, IndexError, ValueError):
                check.add(entry, "intro", f"{where}.intro",
                          "may only use the placeholder {title}")
                intro = None
        if label and heading and fmt:
            specs.append(TopicSpec(key, position, label, heading, intro, fmt))
    return specs, problems + check.problems


def read_job(path: Path, topic_keys: Sequence[str]) -> Tuple[Optional[JobSpec], List[Problem]]:
    """Parse and check one job file; returns the spec only when it has no problem.

    Parsed first with the fast loader; only a file with a problem is parsed again with
    line numbers, to report them (a knowledge base of 500 roles loads in seconds)."""
    problems: List[Problem] = []
    data = _read_yaml(path, problems, lines=False)
    if problems:
        return None, problems
    job, problems = _check_job(path, topic_keys, data)
    if problems:
        job, problems = _check_job(path, topic_keys, _read_yaml(path, [], lines=True))
    return job, problems


def _check_job(path: Path, topic_keys: Sequence[str],
               data: Any) -> Tuple[Optional[JobSpec], List[Problem]]:
    check = _Collector(path)
    if not isinstance(data, dict):
        check.add(data, None, "", "must be a mapping (see docs/knowledge-base.md)")
        return None, check.problems
    check.unknown_keys(data, ["slug", "title", "source", "aliases", *LISTING_FIELDS, "application",
                              "summary", "topics"], "")

    slug = check.text(data, "slug", "slug")
    if slug is not None and not SLUG_PATTERN.match(slug):
        check.add(data, "slug", "slug", "must be lower-case words joined by hyphens")
    elif slug is not None and slug != path.stem:
        check.add(data, "slug", "slug", f"must match the file name ({path.stem!r})")
    title = check.text(data, "title", "title")

    source: Optional[SourceDoc] = None
    source_ref = check.text(data, "source", "source")
    if source_ref is not None:
        source_path = (path.parent / source_ref).resolve()
        try:
            source = SourceDoc(source_path, source_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            check.add(data, "source", "source", f"cannot read {source_path}: {reason}")

    aliases: List[str] = []
    raw_aliases = data.get("aliases") or []
    if not isinstance(raw_aliases, list):
        check.add(data, "aliases", "aliases", f"must be a list, got {_describe(raw_aliases)}")
    else:
        for i, alias in enumerate(raw_aliases):
            if not isinstance(alias, str) or not normalize(alias):
                check.add(raw_aliases, i, f"aliases[{i}]", f"must be a name, got {_describe(alias)}")
            else:
                aliases.append(squash(alias))

    listing: Dict[str, str] = {}
    for name in LISTING_FIELDS:
        if data.get(name) is None:
            continue
        value = check.text(data, name, name)
        if value is None:
            continue
        if source is not None and squash(value).lower() not in squash(source.text).lower():
            check.add(data, name, name, f"{value!r} does not occur in the source document "
                                        "(write it as the job description does)")
        else:
            listing[name] = squash(value)

    application = _read_application(check, data)

    summary = None
    summary_node = check.mapping(data, "summary", "summary")
    if summary_node is not None:
        summary = _read_fact(check, summary_node, "summary", source)

    topics: Dict[str, List[FactSpec]] = {}
    topic_nodes = check.mapping(data, "topics", "topics") or {}
    for key, entries in topic_nodes.items():
        where = f"topics.{key}"
        if key not in topic_keys:
            check.add(topic_nodes, key, where,
                      f"unknown topic (known topics: {', '.join(topic_keys)}; add new ones to topics.yml)",
                      at_key=True)
            continue
        if not isinstance(entries, list) or not entries:
            check.add(topic_nodes, key, where, "must be a non-empty list of facts")
            continue
        facts = [_read_fact(check, entry, f"{where}[{i}]", source, entries, i)
                 for i, entry in enumerate(entries)]
        topics[key] = [f for f in facts if f is not None]

    if (check.problems or slug is None or title is None or source is None or summary is None
            or application is None):
        return None, check.problems
    return JobSpec(path, slug, title, tuple(aliases), source, summary, topics, listing,
                   application), []


_APPLICATION_FIELDS = ("method", "url", "closes")


def _is_web_address(url: str) -> bool:
    """An absolute http(s) address with a host: never javascript:, mailto: or a relative path."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and " " not in url
    except ValueError:  # e.g. an unclosed [IPv6] host
        return False
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _read_application(check: _Collector, data: dict) -> Optional[ApplicationSettings]:
    """The `application:` section (the chat's form and no closing date when there is none),
    or None after recording its problems."""
    node = data.get("application")
    if node is None:
        return DEFAULT_APPLICATION
    if not isinstance(node, dict):
        check.add(data, "application", "application",
                  f"must be a mapping with method, url and closes, got {_describe(node)}")
        return None
    before = len(check.problems)
    check.unknown_keys(node, _APPLICATION_FIELDS, "application")

    method: Optional[str] = "form"
    if "method" in node:
        method = check.text(node, "method", "application.method")
        if method is not None and method not in APPLICATION_METHODS:
            check.add(node, "method", "application.method",
                      f"must be one of {', '.join(APPLICATION_METHODS)}, got {method!r}")
            method = None

    url = check.text(node, "url", "application.url", required=False) if "url" in node else None
    if "url" in node and node["url"] is None:
        check.add(node, "url", "application.url", "must be an http:// or https:// address, got nothing")
    if url is not None:
        if not _is_web_address(url):
            check.add(node, "url", "application.url",
                      f"must be an http:// or https:// address, got {url!r}")
        elif method == "form":
            check.add(node, "url", "application.url",
                      "is only for method: link (with method: form the chat takes the "
                      "application); set method: link or remove the url")
    elif method == "link" and "url" not in node:
        check.add(node, "method", "application.url",
                  "is missing: method: link needs the url of the page where candidates apply")

    closes: Optional[date] = None
    raw = node.get("closes")
    if "closes" in node:
        try:
            if not isinstance(raw, str) or not _ISO_DATE.match(raw.strip()):
                raise ValueError
            closes = date.fromisoformat(raw.strip())
        except ValueError:
            check.add(node, "closes", "application.closes",
                      f"must be a date written YYYY-MM-DD (e.g. 2027-01-31), got {_describe(raw)}")

    if len(check.problems) > before or method is None:
        return None
    return ApplicationSettings(method=method, url=url, closes=closes)


def _read_fact(check: _Collector, node: Any, where: str, source: Optional[SourceDoc],
               parent: Any = None, index: Optional[int] = None) -> Optional[FactSpec]:
    if not isinstance(node, dict):
        check.add(parent if parent is not None else node, index, where,
                  f"must be a mapping with text and quote, got {_describe(node)}")
        return None
    check.unknown_keys(node, ["text", "quote", "label"], where)
    text = check.text(node, "text", f"{where}.text")
    quote = check.text(node, "quote", f"{where}.quote")
    label = check.text(node, "label", f"{where}.label", required=False)
    if quote is not None and source is not None and quote not in squash(source.text):
        check.add(node, "quote", f"{where}.quote",
                  f"does not occur in the source document {source.path.name} "
                  "(quotes must be copied exactly)")
        return None
    if text is not None and quote is not None:
        stated = {m.lower() for m in _FIGURE.findall(quote)}
        invented = [m for m in _FIGURE.findall(text) if m.lower() not in stated]
        if invented:
            check.add(node, "text", f"{where}.text",
                      f"states {', '.join(repr(m) for m in invented)}, which its quote does not")
            return None
    if text is None or quote is None:
        return None
    return FactSpec(text=text, quote=quote, label=label)


@dataclass(frozen=True)
class Knowledge:
    """Everything the knowledge files say, validated and ready to load."""

    topics: List[TopicSpec]
    jobs: List[JobSpec]


def read_knowledge(knowledge_dir: Path) -> Knowledge:
    """Read topics.yml and every jobs/*.yml; raise JobFileError listing all problems."""
    topics_path = knowledge_dir / "topics.yml"
    topics, problems = read_topics(topics_path)
    # Check job files against every topic topics.yml names, even one with a problem of
    # its own, so one mistake there is reported once, not once per job file.
    topic_keys = [t.key for t in topics] + sorted(
        {p.field.split(".")[1] for p in problems if p.field.startswith("topics.")}
        - {t.key for t in topics})
    job_paths = sorted((knowledge_dir / "jobs").glob("*.yml")) + sorted(
        (knowledge_dir / "jobs").glob("*.yaml"))
    if not job_paths:
        problems.append(Problem(knowledge_dir / "jobs", None, "", "holds no job file (*.yml)"))
    jobs: List[JobSpec] = []
    for path in job_paths:
        job, job_problems = read_job(path, topic_keys)
        problems.extend(job_problems)
        if job is not None:
            jobs.append(job)
    problems.extend(_cross_file_problems(jobs))
    if problems:
        raise JobFileError(problems)
    return Knowledge(topics, jobs)


def _cross_file_problems(jobs: Sequence[JobSpec]) -> List[Problem]:
    """Two roles may not share a slug or a name, or users could not tell them apart."""
    problems: List[Problem] = []
    owner: Dict[str, JobSpec] = {}
    for job in jobs:
        seen_in_job = set()
        for name in job.names:
            key = normalize(name)
            if key in seen_in_job:
                continue
            seen_in_job.add(key)
            other = owner.get(key)
            if other is not None:
                problems.append(Problem(job.path, None, "aliases",
                                        f"name {name!r} is also a name of {other.slug} ({other.path})"))
            else:
                owner[key] = job
    return problems
