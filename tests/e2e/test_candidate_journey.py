"""The candidate's next step against the real servers over REST: applying (a question, a
typo and a correction on the way), what is kept, deleting it (the tracker store and the
candidates database checked afterwards), leaving the form, asking for a person."""
from __future__ import annotations

import re

import pytest

from bot.candidates import CandidateStore
from bot.cli import main as cli
from bot.settings import application_retention_days
from harness.tracker_store import conversations

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"\bAPP-[0-9A-Z]{6}\b")


@pytest.fixture
def store(bot):
    candidates = CandidateStore(bot.candidates_url)
    yield candidates
    candidates.close()


def test_apply_with_a_question_a_typo_and_a_correction_then_delete_it_all(bot, sender, store, kb):
    say = lambda text: bot.reply_text(sender, text)  # noqa: E731 - a test's shorthand
    assert "full name" in say("I'd like to apply")
    assert "email" in say("Sam Taylor")
    salary = kb.facts("machine-learning-engineer", "salary")[0].text
    reply = say("what does it pay?")
    assert salary.split()[0] in reply and "email" in reply  # answered, then asked again
    assert "doesn't look like an email" in say("sam.taylor@example")
    assert "CV or professional profile" in say("sam.taylor@example.com")
    consent = say("/deny")  # the "Skip" button
    assert "sam.taylor@example.com" in consent
    assert f"{application_retention_days()} days" in consent
    assert "email" in say("my email is wrong")
    assert "sam@example.org" in say("sam@example.org")
    done = say("/affirm")  # "Yes, send it"
    (reference,) = REFERENCE.findall(done)
    stored = store.application(reference)
    assert (stored.name, stored.email, stored.profile_url, stored.role_slug) == (
        "Sam Taylor", "sam@example.org", None, "machine-learning-engineer")

    assert reference in say("what data do you keep about me?")
    assert "can't be undone" in say("please delete my data")
    assert "deleted" in say("/affirm")
    assert store.held_for(sender).nothing and store.application(reference) is None
    assert sender not in conversations(bot.tracker_store_url)
    # The conversation starts afresh, and is stored again.
    assert say("hello")
    assert [t.text for t in conversations(bot.tracker_store_url)[sender]][0] == "hello"


def test_leaving_the_form_keeps_nothing(bot, sender, store):
    before = len(store.applications())
    bot.reply_text(sender, "I want to apply for this job")
    bot.reply_text(sender, "Robin Okafor")
    assert "stopped the application" in bot.reply_text(sender, "cancel")
    assert len(store.applications()) == before
    # The bot answers questions again, and the form does not come back.
    assert "full name" not in bot.reply_text(sender, "what does it pay?")


def test_saying_no_to_consent_keeps_nothing(bot, sender, store):
    before = len(store.applications())
    for text in ("I'd like to apply", "Robin Okafor", "robin@example.com", "/deny"):
        bot.reply_text(sender, text)
    assert "haven't sent or kept" in bot.reply_text(sender, "/deny")
    assert len(store.applications()) == before


def test_a_person_without_slack_is_queued_and_listed_for_the_hiring_team(bot, sender, capsys):
    bot.reply_text(sender, "do you sponsor visas?")
    offer = bot.reply_text(sender, "can I talk to a real person?")
    assert "Shall I?" in offer
    reply = bot.reply_text(sender, "/affirm")
    assert "no way to reach you" in reply
    assert cli(["--candidates-db", bot.candidates_url, "handoffs", "list",
                "--status", "queued"]) == 0
    assert "do you sponsor visas?" in capsys.readouterr().out
