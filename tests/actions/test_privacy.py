""""What do you keep about me?" is answered from what is stored; "delete my data" deletes
this conversation's applications and handoffs (a real candidates database) and asks the
tracker store to forget the conversation."""
from __future__ import annotations

import asyncio

from rasa_sdk.events import SlotSet

from actions.privacy import (FORGET_SLOT, ActionConfirmDeletion, ActionDeleteMyData,
                             ActionDescribeMyData)
from actions.records import candidate_store
from tests.actions.conftest import load_tracker


def _tracker(sender: str, text: str, intent: str):
    tracker = load_tracker("skills_role_in_slot")
    tracker.sender_id = sender
    tracker.latest_message.update({"text": text, "intent": {"name": intent, "confidence": 0.9}})
    return tracker


def _apply(sender: str, name: str) -> str:
    return candidate_store().add_application(
        sender_id=sender, role_slug="machine-learning-engineer",
        role_title="Machine Learning Engineer", name=name, email=f"{name.lower()}@example.com",
        profile_url=None, consent="test", retention_days=30).reference


def test_what_is_kept_names_the_application_and_nothing_of_others(dispatcher, domain):
    mine = _apply("candidate-1", "Sam")
    theirs = _apply("candidate-2", "Alex")
    ActionDescribeMyData().answer(dispatcher, _tracker("candidate-1", "what do you keep?",
                                                       "ask_my_data"), domain)
    text = dispatcher.messages[0]["text"]
    assert mine in text and theirs not in text
    assert "Machine Learning Engineer" in text
    assert "without anything that identifies you" in text


def test_with_nothing_stored_it_says_so(dispatcher, domain):
    ActionDescribeMyData().answer(dispatcher, _tracker("candidate-3", "what do you keep?",
                                                       "ask_my_data"), domain)
    assert "No application" in dispatcher.messages[0]["text"]


def test_deletion_is_confirmed_first(dispatcher, domain):
    asyncio.run(ActionConfirmDeletion().run(dispatcher, _tracker("c", "delete my data",
                                                                 "delete_my_data"), domain))
    (message,) = dispatcher.messages
    assert "can't be undone" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


def test_deleting_removes_this_conversations_data_only_and_forgets_the_conversation(
        dispatcher, domain):
    _apply("candidate-1", "Sam")
    kept = _apply("candidate-2", "Alex")
    candidate_store().add_handoff(sender_id="candidate-1", channel="rest", role_slug=None,
                                  questions=["visa?"], transcript=[], application_reference=None,
                                  email=None)
    events = ActionDeleteMyData().answer(dispatcher, _tracker("candidate-1", "yes", "affirm"),
                                         domain)
    assert events == [SlotSet(FORGET_SLOT, True)]
    assert candidate_store().held_for("candidate-1").nothing
    assert [a.reference for a in candidate_store().applications()] == [kept]
    assert "1 application(s)" in dispatcher.messages[0]["text"]


def test_a_database_failure_deletes_nothing_and_says_so(dispatcher, domain, monkeypatch,
                                                        tmp_path):
    monkeypatch.setenv("CANDIDATES_DATABASE_URL", f"sqlite:///{tmp_path}")  # a folder
    candidate_store.cache_clear()
    events = ActionDeleteMyData().answer(dispatcher, _tracker("c", "yes", "affirm"), domain)
    assert events == []  # the conversation is not forgotten either
    assert "nothing was deleted" in dispatcher.messages[0]["text"]
