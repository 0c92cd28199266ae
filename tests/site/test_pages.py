"""The careers site's pages over HTTP (`python -m careers` against a test knowledge base):
content from the knowledge base only, escaped, accessible markup, nothing from elsewhere."""
from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from bot import KnowledgeBase
from careers.config import Settings
from careers.pages import APPLY_TOPIC, Renderer
from harness.browser import CareersSite
from tests.conftest import DENTAL_SALARY, ML_SALARY, sqlite_url
from tests.site.conftest import CLOSED_ROLE, FIXTURE_ROLE, LINK_ROLE, MARKUP_ROLE, REAL_ROLE

CAREERS = Path(__file__).resolve().parents[2] / "careers"
CHAT_URL = "http://127.0.0.1:5999"  # nothing listens: these tests only read the pages


@pytest.fixture(scope="module")
def site(tmp_path_factory, site_kb_url: str) -> Iterator[CareersSite]:
    running = CareersSite(tmp_path_factory.mktemp("site"), site_kb_url, CHAT_URL).start()
    yield running
    running.stop()


def get(site: CareersSite, path: str) -> requests.Response:
    return requests.get(site.url(path), timeout=10, allow_redirects=False)


class Page(HTMLParser):
    """The bits of a page the tests look at: elements with attributes, headings, text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: List[Tuple[str, Dict[str, Optional[str]]]] = []
        self.headings: List[Tuple[int, str]] = []
        self.text_parts: List[str] = []
        self._heading: Optional[Tuple[int, List[str]]] = None
        self._skip = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        self.elements.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading:
            self.headings.append((self._heading[0], " ".join("".join(self._heading[1]).split())))
            self._heading = None
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._heading[1].append(data)
        if not self._skip:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def all(self, tag: str) -> List[Dict[str, Optional[str]]]:
        return [attrs for t, attrs in self.elements if t == tag]


def squash(text: str) -> str:
    return " ".join(text.split())


# -- content from the knowledge base ------------------------------------------------------

def test_index_lists_every_role_with_its_summary_and_page(site, site_kb: KnowledgeBase):
    response = get(site, "/")
    assert response.status_code == 200
    page = Page(response.text)
    roles = site_kb.roles()
    assert len(roles) == 5
    links = {a.get("href") for a in page.all("a")}
    for role in roles:
        assert f"/jobs/{role.slug}" in links
        assert squash(role.title) in page.text and squash(role.summary) in page.text
    assert "5 open roles" in page.text


@pytest.mark.parametrize("slug", [REAL_ROLE, FIXTURE_ROLE])
def test_job_page_shows_every_fact_of_the_role_in_topic_order(site, site_kb: KnowledgeBase, slug):
    """Generic over the knowledge base: the Dental Hygiene Coordinator exists only in a
    test job file, so its page proves a new role needs no template edit."""
    response = get(site, f"/jobs/{slug}")
    assert response.status_code == 200
    page = Page(response.text)
    role = site_kb.role(slug)
    assert page.headings[0] == (1, role.title)
    assert f"<title>{html.escape(role.title)} · Careers</title>" in response.text
    assert squash(role.summary) in page.text

    profile = site_kb.profile(slug)
    headings = {t.key: t.heading for t in site_kb.topics()}
    expected = [headings[key] for key in profile]
    shown = [text for level, text in page.headings if level == 2 and text in expected]
    assert shown == expected, "one section per topic the job description covers, in order"
    position = 0
    for key, facts in profile.items():
        for fact in facts:
            shown_fact = (f"{fact.label}: " if fact.label else "") + squash(fact.text)
            found = page.text.find(shown_fact, position)
            assert found >= 0, f"{slug} {key}: {shown_fact!r} missing or out of order"
            position = found
            assert squash(fact.quote) in page.text, "each section shows its source's words"
    topics_not_covered = set(headings) - set(profile)
    for key in topics_not_covered:
        assert f'id="about-{key.replace("_", "-")}"' not in response.text, key
        if key != APPLY_TOPIC:  # its heading also heads the "How to apply" block
            assert (2, headings[key]) not in page.headings


def section_text(body: str, key: str) -> str:
    match = re.search(rf'<section[^>]*id="about-{key}".*?</section>', body, re.S)
    assert match, f"no {key} section"
    return Page(match.group(0)).text


def test_salary_is_shown_with_its_source(site):
    body = get(site, f"/jobs/{REAL_ROLE}").text
    salary = section_text(body, "salary")
    assert salary.startswith("Salary According to Indeed Salaries, the average salary for a "
                             f"Machine Learning Engineer is {ML_SALARY} (US dollars) per year.")
    # ... and the job description's own sentence it comes from.
    assert ("According to Indeed Salaries, the average salary for a Machine Learning Engineer "
            f"is {ML_SALARY} per year.") in salary
    assert section_text(body, "reporting").startswith(
        "Who you'll report to Usually whoever oversees AI development at the company.")
    dental = section_text(get(site, f"/jobs/{FIXTURE_ROLE}").text, "salary")
    assert "According to the clinic's pay survey" in dental and DENTAL_SALARY in dental
    assert ML_SALARY not in dental


def test_templates_and_static_files_hold_no_role_fact(site_kb: KnowledgeBase):
    """Pages are rendered from the knowledge base: no title, figure or source of a role is
    written into the site's own files."""
    own_files = [p for p in CAREERS.rglob("*") if p.is_file() and "vendor" not in p.parts
                 and p.suffix in (".html", ".css", ".js", ".py", ".svg")]
    assert own_files
    needles = ["Machine Learning", "Dental", ML_SALARY, ML_SALARY.lstrip("$"), "Indeed", DENTAL_SALARY]
    for path in own_files:
        content = path.read_text(encoding="utf-8")
        for needle in needles:
            assert needle not in content, f"{path.relative_to(CAREERS)} mentions {needle!r}"


def test_unknown_and_malformed_role_addresses_get_a_friendly_404(site):
    for path in ("/jobs/astronaut", "/jobs/..%2F..%2Fetc%2Fpasswd", "/jobs/Machine-Learning-Engineer"):
        response = get(site, path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text and 'href="/"' in response.text
        assert response.headers["Content-Type"].startswith("text/html")
    assert get(site, f"/jobs/{REAL_ROLE}/").headers["Location"] == f"/jobs/{REAL_ROLE}"
    assert get(site, "/static/nothing.css").status_code == 404


def test_a_knowledge_base_that_cannot_be_read_gives_a_503_page(tmp_path):
    missing = sqlite_url(tmp_path / "not-built.sqlite")
    broken = CareersSite(tmp_path / "site", missing, CHAT_URL).start()
    try:
        for path in ("/", f"/jobs/{REAL_ROLE}"):
            response = get(broken, path)
            assert response.status_code == 503
            assert "Job listings are unavailable" in response.text
            assert "Traceback" not in response.text and "sqlite" not in response.text
    finally:
        broken.stop()
    log = broken.server.log.read_text()
    assert "Knowledge base unavailable at start-up" in log and "not-built.sqlite" in log
    assert not (tmp_path / "not-built.sqlite").exists()


# -- escaping -------------------------------------------------------------------------------

def test_markup_and_script_in_a_job_file_render_as_text(site, site_kb: KnowledgeBase):
    """tests/site/fixtures/knowledge/jobs/markup-injection-tester.yml puts <script>, an
    <img onerror>, a javascript: link and tags in its title, summary, label and facts."""
    for path in ("/", f"/jobs/{MARKUP_ROLE}"):
        body = get(site, path).text
        assert "<script>window" not in body and "<b>" not in body and "<i>" not in body
        assert "<img src=x" not in body and 'href="javascript:' not in body
        assert "&lt;script&gt;window.__injected = &#34;title&#34;&lt;/script&gt;" in body
        # Every <script> of the page is one of ours, loaded from our origin.
        assert all(attrs.get("src", "").startswith("/static/") for attrs in Page(body).all("script"))
    page = Page(get(site, f"/jobs/{MARKUP_ROLE}").text)
    role = site_kb.role(MARKUP_ROLE)
    assert page.headings[0] == (1, role.title)  # shown literally, tags and all
    assert '<img src=x onerror="window.__injected = \'salary\'">' in page.text
    assert "<i>Links</i>:" in page.text
    chat = page.all("aside")[0]
    assert chat["data-role-title"] == role.title and chat["data-role"] == MARKUP_ROLE


# -- accessibility of the markup --------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", f"/jobs/{REAL_ROLE}", "/jobs/astronaut"])
def test_pages_have_language_landmarks_and_headings_in_order(site, path):
    body = get(site, path).text
    page = Page(body)
    assert page.all("html")[0].get("lang") == "en"
    assert any(m.get("name") == "viewport" for m in page.all("meta"))
    tags = [tag for tag, _ in page.elements]
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in tags, landmark
    assert [m.get("id") for m in page.all("main")] == ["main"]
    assert page.all("a")[0].get("href") == "#main", "the first link skips to the content"
    labels = [n.get("aria-label") for n in page.all("nav")]
    assert all(labels) and len(set(labels)) == len(labels), "each navigation is named once"
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"heading levels skip: {levels}"
    chat = page.all("aside")
    assert chat and chat[0].get("aria-label"), "the chat is a named landmark"


# -- nothing from another origin ---------------------------------------------------------------

URL_ATTRIBUTES = ("src", "href", "action", "srcset", "poster", "data")


@pytest.mark.parametrize("path", ["/", f"/jobs/{REAL_ROLE}"])
def test_pages_reference_no_external_url(site, path):
    response = get(site, path)
    page = Page(response.text)
    referenced = []
    for tag, attrs in page.elements:
        for name in URL_ATTRIBUTES:
            if attrs.get(name):
                referenced.append(attrs[name])
    assert referenced
    for url in referenced:
        absolute = urljoin(site.url(path), url)
        assert urlsplit(absolute).netloc == urlsplit(site.origin).netloc, url

    # Every stylesheet and script the page loads: no @import, no url() or font elsewhere.
    for attrs in page.all("link") + page.all("script"):
        asset = attrs.get("href") if attrs.get("rel") == "stylesheet" else attrs.get("src")
        if not asset:
            continue
        content = get(site, asset).text
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", content, re.I), asset
        assert not re.search(r"@import\s+url\(\s*['\"]?(?:https?:)?//", content), asset
        assert "fonts.googleapis" not in content and "fonts.gstatic" not in content, asset


def test_headers_keep_the_page_to_our_origin_and_the_bot(site):
    response = get(site, f"/jobs/{REAL_ROLE}")
    csp = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'none'"
    assert csp["script-src"] == "'self'"
    assert csp["connect-src"] == f"'self' {CHAT_URL} {CHAT_URL.replace('http', 'ws')}"
    assert csp["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert Page(response.text).all("aside")[0]["data-socket-url"] == CHAT_URL


def test_static_files_are_served_with_content_hashes(site):
    page = Page(get(site, "/").text)
    stylesheet = next(a["href"] for a in page.all("link") if a.get("rel") == "stylesheet")
    assert re.fullmatch(r"/static/site\.css\?v=[0-9a-f]{12}", stylesheet)
    response = get(site, stylesheet)
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"].startswith("text/css")
    scripts = [a["src"] for a in page.all("script")]
    assert [s.split("?")[0] for s in scripts] == ["/static/vendor/rasa-webchat.js", "/static/chat.js"]


@pytest.mark.parametrize("path", ["/", f"/jobs/{REAL_ROLE}"])
def test_every_page_with_the_chat_has_an_announced_unavailable_notice(site, path):
    """chat.js fills it in while the Rasa server cannot be reached (test_chat_availability.py
    watches it happen in a browser); empty until then, so nothing is announced for nothing."""
    body = get(site, path).text
    (status,) = [a for tag, a in Page(body).elements if a.get("id") == "chat-status"]
    assert re.search(r'<div id="chat-status"[^>]*>\s*</div>', body), "empty until chat.js fills it"
    assert status["role"] == "status" and status["aria-live"] == "polite"
    assert status["data-unavailable"] == ("The assistant is starting or unavailable — "
                                          "try again in a moment.")


# -- how to apply (the job file's application: section) ----------------------------------------

CHAT_APPLY = "say “I'd like to apply” in the chat below"


def apply_block(body: str) -> str:
    """The "How to apply" panel's text."""
    match = re.search(r'<div class="apply[^"]*">.*?\n</div>', body, re.S)
    assert match, "no How to apply block"
    return Page(match.group(0)).text


def external_links(site: CareersSite, body: str) -> List[Dict[str, Optional[str]]]:
    own = urlsplit(site.origin).netloc
    return [a for a in Page(body).all("a")
            if urlsplit(urljoin(site.origin, a.get("href") or "")).netloc != own]


def test_a_link_role_links_to_the_employers_page_until_its_closing_date(site, site_kb):
    """tests/site/fixtures/knowledge/jobs/pharmacy-technician.yml: method link, closes
    2099-12-31, and an application_process topic whose section the block joins."""
    application = site_kb.role(LINK_ROLE).application
    assert application.method == "link" and application.closes == date(2099, 12, 31)
    body = get(site, f"/jobs/{LINK_ROLE}").text
    (link,) = external_links(site, body)
    assert link["href"] == application.url  # "&" in the address survives escaping
    assert link["target"] == "_blank" and "noopener" in link["rel"].split()
    block = apply_block(body)
    assert "Apply on careers.example.com" in block
    assert "Applications close on 31 December 2099." in block
    assert CHAT_APPLY not in body and "closed" not in block
    # One "How to apply" section: the job description's own, with the block at its end.
    assert [h for h in Page(body).headings if h == (2, "How to apply")] == [(2, "How to apply")]
    process = section_text(body, "application-process")
    assert process.startswith("How to apply Send your resume through our careers page.")
    assert process.endswith(block)
    assert 'id="how-to-apply"' not in body


def test_a_form_role_asks_the_candidate_to_apply_in_the_chat(site):
    body = get(site, f"/jobs/{REAL_ROLE}").text
    page = Page(body)
    match = re.search(r'<section[^>]*id="how-to-apply".*?</section>', body, re.S)
    assert match, "a role whose job description says nothing on applying gets the block alone"
    section = Page(match.group(0))
    assert section.headings == [(2, "How to apply")]
    assert CHAT_APPLY in section.text
    assert "close" not in section.text  # no closing date
    assert any(a.get("href") == "#how-to-apply" for a in page.all("a")), "listed in On this page"
    assert external_links(site, body) == []
    # The button that opens the chat, shown by chat.js once the chat is up.
    assert re.search(r'<div class="apply__actions" data-chat-actions hidden>\s*'
                     r'<button type="button" class="button" data-open-chat>', match.group(0))


def test_a_closed_role_says_so_and_offers_no_way_to_apply(site, site_kb):
    """tests/site/fixtures/knowledge/jobs/forklift-operator.yml: applications closed 2020-01-31."""
    assert site_kb.role(CLOSED_ROLE).application.closes == date(2020, 1, 31)
    body = get(site, f"/jobs/{CLOSED_ROLE}").text
    block = apply_block(body)
    assert "Applications for this role are closed." in block
    assert "Applications closed on 31 January 2020." in block
    assert CHAT_APPLY not in body and "data-open-chat>Apply" not in body
    assert external_links(site, body) == []


def test_the_closing_day_is_the_last_day_to_apply(site_kb):
    """The same pages rendered on chosen days: open through the closing date, closed after,
    and a closed link role no longer links to the employer's page."""
    def page_on(day: date, slug: str) -> str:
        return Renderer(Settings(), today=lambda: day).job(site_kb, slug) or ""

    on_the_day = page_on(date(2020, 1, 31), CLOSED_ROLE)
    assert CHAT_APPLY in apply_block(on_the_day)
    assert "Applications close on 31 January 2020." in apply_block(on_the_day)
    assert "are closed" not in on_the_day
    assert "Applications for this role are closed." in apply_block(page_on(date(2020, 2, 1), CLOSED_ROLE))

    url = html.escape(site_kb.role(LINK_ROLE).application.url)
    assert url in page_on(date(2099, 12, 31), LINK_ROLE)
    closed = page_on(date(2100, 1, 1), LINK_ROLE)
    assert "Applications for this role are closed." in apply_block(closed)
    assert url not in closed and "Apply on" not in closed


def test_the_list_of_roles_shows_closing_dates(site, site_kb):
    body = get(site, "/").text
    cards = {m.group(1): Page(m.group(0)).text for m in re.finditer(
        r'<li class="role-card">\s*<h2 class="role-card__title"><a href="/jobs/([^"]+)">.*?</li>',
        body, re.S)}
    assert set(cards) == {r.slug for r in site_kb.roles()}
    assert "Applications close on 31 December 2099" in cards[LINK_ROLE]
    assert "Applications closed" in cards[CLOSED_ROLE]
    assert "Applications" not in cards[REAL_ROLE]
