"""action_not_described: a question no topic covers gets "the description doesn't say",
for the role it is about, and never a fact."""
from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.not_described import ActionNotDescribed
from tests.actions.conftest import load_tracker


def _asking(name: str, text: str):
    tracker = load_tracker(name)
    tracker.latest_message.update({"text": text,
                                   "intent": {"name": "ask_not_described", "confidence": 0.9}})
    return tracker


def test_the_role_in_the_conversation_is_named(one_role_kb, dispatcher, domain):
    events = ActionNotDescribed().answer(dispatcher, _asking("skills_role_in_slot", "do you sponsor visas?"),
                                         domain)
    assert dispatcher.messages == [{**dispatcher.messages[0], "response": "utter_not_described",
                                    "role_title": "Machine Learning Engineer"}]
    assert SlotSet("role", "machine-learning-engineer") in events


def test_an_occupation_the_knowledge_base_lacks_gets_no_information_on_it(one_role_kb, dispatcher, domain):
    ActionNotDescribed().answer(dispatcher, _asking("salary_unknown_role", "can a nurse bring a dog?"), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "nurse"


def test_without_a_database_it_still_replies(missing_kb, dispatcher, domain):
    ActionNotDescribed().answer(dispatcher, _asking("salary_no_role", "is there parking?"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_described_any"]
