"""Roles and other occupations named in a message, found at run time (bot/mentions.py):
the knowledge base's roles by any of their names or the last words of them, several roles
when a partial name fits several, and occupations the knowledge base does not have."""
from __future__ import annotations

import time

import pytest

from bot import KnowledgeBase
from bot.loader import load_knowledge
from bot.mentions import NamedRole, RoleMatcher, find_mentions, occupation_matcher
from tests.conftest import KNOWLEDGE, SHIPPED_KNOWLEDGE, sqlite_url

ROLES = [
    NamedRole("machine-learning-engineer", ("Machine Learning Engineer", "ML engineer", "MLE",
                                            "machine learning engineering")),
    NamedRole("software-engineer", ("Software Engineer",)),
    NamedRole("registered-nurse", ("Registered Nurse", "RN")),
    NamedRole("staff-accountant", ("Staff Accountant",)),
    NamedRole("regional-truck-driver", ("Regional Truck Driver",)),
    NamedRole("senior-warehouse-supervisor", ("Senior Warehouse Supervisor",)),
]


@pytest.fixture(scope="module")
def matcher() -> RoleMatcher:
    return RoleMatcher(ROLES)


def found(text: str, matcher: RoleMatcher):
    return [(m.text, m.slugs) for m in find_mentions(text, matcher, occupation_matcher())]


@pytest.mark.parametrize("text,expected", [
    # Full names, aliases, plurals, hyphens, the title without seniority words.
    ("how much do ML engineers make?", [("ML engineers", ("machine-learning-engineer",))]),
    ("is the machine-learning engineer job remote", [("machine-learning engineer", ("machine-learning-engineer",))]),
    ("Who does the RN report to?", [("RN", ("registered-nurse",))]),
    ("what does a warehouse supervisor earn", [("warehouse supervisor", ("senior-warehouse-supervisor",))]),
    ("accountant salary", [("accountant", ("staff-accountant",))]),
    # Partial names that fit one role.
    ("tell me about the nurse job", [("nurse", ("registered-nurse",))]),
    ("the driver one", [("driver", ("regional-truck-driver",))]),
    ("do truck drivers get benefits", [("truck drivers", ("regional-truck-driver",))]),
    # Plural abbreviations and typos of the words of a role's name.
    ("how much do RNs make?", [("RNs", ("registered-nurse",))]),
    ("registred nurse pay", [("registred nurse", ("registered-nurse",))]),
    ("who does the warehouse supervisr report to", [("warehouse supervisr", ("senior-warehouse-supervisor",))]),
    ("do I need a CPA for the acountant role", [("acountant", ("staff-accountant",))]),
    # A partial name that fits several roles: both, to ask which.
    ("what do your engineers earn?", [("engineers", ("machine-learning-engineer", "software-engineer"))]),
    # A longer occupation is not the role whose last word it contains.
    ("what does a senior software engineer make", [("software engineer", ("software-engineer",))]),
    ("how much does a civil engineer earn", [("civil engineer", ())]),
    # An alias that names the field: whole, it is the role; its last word alone is a field.
    ("any machine learning engineering jobs?", [("machine learning engineering", ("machine-learning-engineer",))]),
])
def test_roles_are_found_by_any_of_their_names(matcher, text, expected):
    assert found(text, matcher) == expected


@pytest.mark.parametrize("text,occupation", [
    # Questions people asked about occupations the knowledge base does not have.
    ("what is the salary range of a dentist", "dentist"),
    ("average salary for a geologist", "geologist"),
    ("what is the pay scale for office manager", "office manager"),
    ("tax examiner job description", "tax examiner"),
    ("how much does a dental assistant make?", "dental assistant"),
])
def test_occupations_the_knowledge_base_lacks_are_found_as_unknown(matcher, text, occupation):
    assert found(text, matcher) == [(occupation, ())]


@pytest.mark.parametrize("text", [
    "who would be my manager?", "who is the hiring manager", "what does it pay?",
    "what benefits do you offer?", "which models would I train", "can I talk to a recruiter?",
    "what kind of person are you hoping to hire?", "/inform_role",
    "what is naval engineering", "when was electrical engineering created",
    "is it safe to drive to my sister's with a grinding noise when I brake",
])
def test_words_that_are_not_a_role_here_are_not_found(matcher, text):
    assert found(text, matcher) == []


def test_a_known_role_and_another_occupation_are_both_found_in_order(matcher):
    assert found("which pays more, the accountant or the data scientist role?", matcher) == [
        ("accountant", ("staff-accountant",)), ("data scientist", ())]


def test_every_name_of_every_shipped_role_finds_that_role(tmp_path):
    kb = KnowledgeBase(sqlite_url(tmp_path / "kb.sqlite"))
    load_knowledge(SHIPPED_KNOWLEDGE, kb.url)
    for role in kb.roles():
        for name in role.names:
            mentions = kb.mentions(f"what does the {name} job pay?")
            assert [m.slugs for m in mentions] == [(role.slug,)], (name, mentions)


def test_a_reloaded_knowledge_base_is_matched_without_a_restart(tmp_path, knowledge_with_fixture_role):
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(KNOWLEDGE, url)
    kb = KnowledgeBase(url)
    assert not any(m.known for m in kb.mentions("what does a dental hygiene coordinator earn?"))
    time.sleep(0.01)  # a new load stamp
    load_knowledge(knowledge_with_fixture_role, url)
    assert [m.slugs for m in kb.mentions("what does a dental hygiene coordinator earn?")] == [
        ("dental-hygiene-coordinator",)]


@pytest.mark.parametrize("text,slugs", [
    ("warehouse", ("senior-warehouse-supervisor",)), ("nursing", ("registered-nurse",)),
    ("regional truck", ("regional-truck-driver",)), ("engineering", ("machine-learning-engineer", "software-engineer")),
    ("astronomy", ()),
])
def test_part_of_a_name_that_nlu_tagged_finds_the_roles_it_belongs_to(matcher, text, slugs):
    assert matcher.containing(text) == slugs


def test_a_typo_is_found_with_the_word_it_stands_for(matcher):
    (mention,) = find_mentions("whos the superviser", matcher, occupation_matcher())
    assert (mention.text, mention.phrase, mention.full_name) == ("superviser", "supervisor", False)
