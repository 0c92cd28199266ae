"""Imported roles are answered by the live bot: the team-written postings are imported,
loaded into the running bot's knowledge base (no restart, no retraining), and a candidate
on each role's page asks one question per topic the posting states, over REST."""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import requests

from bot.loader import load_knowledge
from tests.conftest import KNOWLEDGE, sqlite_url
from tests.kb.test_import_postings import EXPECTED, import_postings

pytestmark = pytest.mark.e2e

# One question per topic, worded as a candidate on the role's page would ask it.
QUESTIONS = {
    "overview": "tell me about this job",
    "duties": "what would my responsibilities be in this job?",
    "reporting": "who does this role report to?",
    "salary": "what's the salary for this job?",
    "skills": "which skills and qualifications do I need?",
    "experience": "how many years of experience do I need?",
    "education": "do I need a degree for this position?",
    "certifications": "which certifications would help me get this job?",
    "qualities": "what kind of person does well in this role?",
    "benefits": "what benefits does this job offer?",
    "training": "is there any training for new hires?",
    "dress_code": "is there a dress code?",
    "travel": "will I have to travel for this job?",
    "vacancy_reason": "why is this position open?",
    "work_location": "where is this job located?",
    "working_hours": "what are the working hours?",
    "application_process": "how do I apply for this job?",
}
CASES = [(name, topic) for name, spec in sorted(EXPECTED.items()) for topic in spec["topics"]]


@pytest.fixture(scope="module")
def imported_roles(bot, kb, kb_path: Path, tmp_path_factory):
    """The shipped knowledge plus every posting, loaded into the running bot's database;
    the shipped knowledge is put back afterwards."""
    knowledge = tmp_path_factory.mktemp("imported") / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    import_postings(knowledge)
    load_knowledge(knowledge, sqlite_url(kb_path))
    slugs = {role.title: role.slug for role in kb.roles()}
    yield {name: slugs[spec["title"]] for name, spec in EXPECTED.items()}
    load_knowledge(KNOWLEDGE, sqlite_url(kb_path))


@pytest.mark.parametrize("name,topic", CASES, ids=[f"{n.split('.')[0]}-{t}" for n, t in CASES])
def test_each_stated_topic_is_answered_with_the_postings_words(bot, imported_roles, name, topic):
    slug = imported_roles[name]
    sender = f"import-{uuid.uuid4().hex[:12]}"
    reply = "\n".join(r.get("text", "") for r in _ask(bot, sender, QUESTIONS[topic], slug))
    phrase = EXPECTED[name]["topics"][topic]
    assert phrase in reply, f"{name} / {topic}: {phrase!r} not in {reply!r}"


def _ask(bot, sender: str, message: str, role: str) -> list:
    """One message from a candidate on the role's job page (REST `metadata.role`)."""
    response = requests.post(f"{bot.url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": message,
                                   "metadata": {"role": role}}, timeout=60)
    response.raise_for_status()
    return response.json()


@pytest.mark.parametrize("name", sorted(n for n, s in EXPECTED.items() if "salary" in s["topics"]))
def test_a_role_loaded_while_the_bot_runs_is_answered_by_its_name(bot, imported_roles, name):
    """No page, no retraining, no restart: the role's name is resolved at run time from the
    knowledge base the running action server reads."""
    title = EXPECTED[name]["title"]
    sender = f"import-{uuid.uuid4().hex[:12]}"
    reply = bot.reply_text(sender, f"what does the {title} job pay?")
    assert EXPECTED[name]["topics"]["salary"] in reply, reply


def test_another_occupation_asked_on_an_imported_roles_page_gets_no_facts(bot, imported_roles):
    slug = imported_roles["registered-nurse.txt"]
    sender = f"import-{uuid.uuid4().hex[:12]}"
    reply = "\n".join(r.get("text", "") for r in _ask(bot, sender, "what does a pharmacist earn?", slug))
    assert "I don't have any information about the pharmacist role" in reply
    assert EXPECTED["registered-nurse.txt"]["topics"]["salary"] not in reply
