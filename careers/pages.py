"""The site's pages, rendered from the knowledge base with autoescaping Jinja templates.

Nothing here knows a role: titles, summaries, section headings and facts all come from
`bot.KnowledgeBase`, so a role added to the knowledge base gets its page with no
template edit. Every value is escaped by Jinja (autoescape), so the text of a job file
can never become markup or script.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot import Fact, KnowledgeBase, Role, Topic
from bot.search import Filters, facet_values, search_roles
from careers.config import Settings

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@dataclass(frozen=True)
class Section:
    """One topic of a role's page: a heading and the facts the job description states."""

    key: str
    heading: str
    format: str  # "list" or "paragraph"
    facts: Tuple[Fact, ...]

    @property
    def anchor(self) -> str:
        return "about-" + self.key.replace("_", "-")


#: The topic whose section also holds the "How to apply" block (the role's application
#: settings); a role whose job description says nothing on it gets the block on its own.
APPLY_TOPIC = "application_process"
APPLY_HEADING = "How to apply"


@dataclass(frozen=True)
class JobPage:
    role: Role
    sections: Tuple[Section, ...]
    #: The heading of the "How to apply" block when it stands on its own (the
    #: application_process topic's heading in topics.yml, else "How to apply").
    apply_heading: str = APPLY_HEADING

    def section(self, key: str) -> Optional[Section]:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def apply_in_section(self) -> bool:
        """Whether the block goes at the end of the job description's own section on applying."""
        return self.section(APPLY_TOPIC) is not None


def job_page(kb: KnowledgeBase, slug: str) -> Optional[JobPage]:
    """The role's page content, in topics.yml order; None for an unknown slug."""
    role = kb.role(slug)
    if role is None:
        return None
    profile: Dict[str, List[Fact]] = kb.profile(slug)
    topics: List[Topic] = kb.topics()
    sections = tuple(Section(t.key, t.heading, t.format, tuple(profile[t.key]))
                     for t in topics if profile.get(t.key))
    heading = next((t.heading for t in topics if t.key == APPLY_TOPIC), APPLY_HEADING)
    return JobPage(role, sections, heading)


def long_date(day: date) -> str:
    """A date as candidates read it: "31 January 2027" (English month names, any locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("January February March April May June July August September October November "
           "December").split()


@dataclass
class Assets:
    """URLs of the static files with a content hash, so browsers may cache them for good."""

    root: Path = STATIC
    _cache: Dict[str, Tuple[float, str]] = field(default_factory=dict)

    def url(self, name: str) -> str:
        path = self.root / name
        mtime = path.stat().st_mtime
        cached = self._cache.get(name)
        if cached is None or cached[0] != mtime:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            cached = self._cache[name] = (mtime, digest)
        return f"/static/{name}?v={cached[1]}"

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()


class Renderer:
    def __init__(self, settings: Settings, assets: Optional[Assets] = None,
                 today: Callable[[], date] = date.today) -> None:
        self.settings = settings
        self.assets = assets or Assets()
        #: The day against which closing dates are read (the server's local date).
        self.today = today
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(["html"], default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["long_date"] = long_date
        self.env.globals.update(site_name=settings.site_name, asset=self.assets.url,
                                nav_current=None,
                                chat_url=settings.chat_url,
                                chat_available=lambda: self.assets.exists("vendor/rasa-webchat.js"))

    def render(self, template: str, **context: object) -> str:
        return self.env.get_template(template).render(**context)

    def index(self, kb: KnowledgeBase, search: Optional[Dict[str, str]] = None) -> str:
        search = search or {}
        every = kb.roles()
        filters = Filters(department=search.get("department") or None,
                          location=search.get("location") or None,
                          employment_type=search.get("type") or None)
        query = search.get("q", "")
        roles = search_roles(every, query, filters)
        return self.render("index.html", roles=roles, total=len(every), query=query,
                           filters=filters, facets=facet_values(every),
                           searched=bool(query or filters != Filters()), chat_role=None,
                           today=self.today())

    def job(self, kb: KnowledgeBase, slug: str) -> Optional[str]:
        page = job_page(kb, slug)
        if page is None:
            return None
        return self.render("job.html", page=page, role=page.role, chat_role=page.role,
                           application=page.role.application, apply_topic=APPLY_TOPIC,
                           closed=page.role.application.is_closed(self.today()))

    def error(self, status: int, title: str, message: str) -> str:
        return self.render("error.html", status=status, title=title, message=message,
                           chat_role=None)
