"""The list of roles on the careers site, searched and filtered, and each role's "How to
apply" block, over the shipped knowledge: what each filter and search should list and what
each block should say are derived from the knowledge files and base themselves, so a hiring
team editing roles breaks nothing here."""
from __future__ import annotations

import re
from typing import Iterator, List
from urllib.parse import urlencode

import pytest
import requests

from bot import KnowledgeBase
from bot.loader import load_knowledge
from bot.search import facet_values
from harness.browser import CareersSite
from tests.conftest import SHIPPED_KNOWLEDGE, sqlite_url
from tests.site.test_pages import Page

CHAT_URL = "http://127.0.0.1:5999"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Iterator[KnowledgeBase]:
    url = sqlite_url(tmp_path_factory.mktemp("shipped-kb") / "kb.sqlite")
    load_knowledge(SHIPPED_KNOWLEDGE, url)
    kb = KnowledgeBase(url)
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, shipped: KnowledgeBase) -> Iterator[CareersSite]:
    running = CareersSite(tmp_path_factory.mktemp("site"), shipped.url, CHAT_URL).start()
    yield running
    running.stop()


def listed(site: CareersSite, **params: str) -> List[str]:
    """The titles of the roles the index lists for these query parameters."""
    response = requests.get(site.url("/?" + urlencode(params)), timeout=10)
    assert response.status_code == 200
    return re.findall(r'<h2 class="role-card__title"><a href="/jobs/[^"]+">([^<]+)</a>', response.text)


def test_the_index_lists_every_role_with_a_labelled_search_form(site, shipped):
    response = requests.get(site.url("/"), timeout=10)
    page = Page(response.text)
    assert listed(site) == [r.title for r in shipped.roles()]
    forms = [attrs for tag, attrs in page.elements if tag == "form"]
    assert forms and forms[0].get("role") == "search" and forms[0].get("method") == "get"
    fields = [attrs["id"] for tag, attrs in page.elements if tag in ("input", "select") and "id" in attrs]
    labels = [attrs.get("for") for tag, attrs in page.elements if tag == "label"]
    assert fields and all(f in labels for f in fields)  # every control has its label


@pytest.mark.parametrize("facet,param", [("department", "department"), ("location", "location"),
                                         ("employment_type", "type")])
def test_each_filter_lists_exactly_the_roles_it_names(site, shipped, facet, param):
    values = facet_values(shipped.roles())[facet]
    if not values:
        pytest.skip(f"no shipped role has a {facet}")
    for value in values:
        expected = [r.title for r in shipped.roles() if getattr(r, facet) == value]
        assert listed(site, **{param: value}) == expected


def test_searching_a_roles_title_lists_that_role(site, shipped):
    for role in shipped.roles():
        assert role.title in listed(site, q=role.title)


def test_a_search_that_matches_nothing_says_so_and_offers_all_roles(site, shipped):
    response = requests.get(site.url("/?q=astronaut"), timeout=10)
    assert "No open role matches your search" in response.text
    assert f"Show all {len(shipped.roles())} roles" in response.text


def test_search_text_is_echoed_escaped(site):
    response = requests.get(site.url("/?" + urlencode({"q": '"><script>alert(1)</script>'})), timeout=10)
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text or "&#34;&gt;&lt;script&gt;" in response.text


def test_each_shipped_role_shows_how_to_apply_as_its_job_file_says(site, shipped):
    """Whatever application: sections the hiring teams wrote: read from the job files, then
    checked against the knowledge base and each role's page (not pinned here)."""
    from datetime import date

    from bot.jobfiles import read_knowledge
    from careers.pages import long_date

    from_files = {job.slug: job.application for job in read_knowledge(SHIPPED_KNOWLEDGE).jobs}
    today = date.today()
    for role in shipped.roles():
        application = from_files[role.slug]
        assert role.application == application, role.slug
        body = requests.get(site.url(f"/jobs/{role.slug}"), timeout=10).text
        block = re.search(r'<div class="apply[^"]*">.*?\n</div>', body, re.S)
        assert block, f"{role.slug}: no How to apply block"
        text = Page(block.group(0)).text
        hrefs = [a.get("href") for a in Page(block.group(0)).all("a")]
        if application.is_closed(today):
            assert "Applications for this role are closed." in text and hrefs == [], role.slug
            continue
        if application.method == "link":
            assert hrefs == [application.url], role.slug
        else:
            assert hrefs == [] and "I'd like to apply" in text, role.slug
        if application.closes:
            assert f"Applications close on {long_date(application.closes)}." in text, role.slug
        else:
            assert "close" not in text, role.slug
