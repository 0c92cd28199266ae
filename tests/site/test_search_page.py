"""The list of roles on the careers site, searched and filtered, over the shipped knowledge:
what each filter and search should list is derived from the knowledge base itself, so a
hiring team editing roles breaks nothing here."""
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
