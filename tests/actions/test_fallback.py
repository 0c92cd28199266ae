"""action_not_understood: unsure NLU still never answers for a role we do not have."""
from __future__ import annotations

from actions.fallback import ActionNotUnderstood
from tests.actions.conftest import load_tracker


def test_an_unknown_occupation_is_named_even_when_the_question_is_unclear(one_role_kb, dispatcher, domain):
    ActionNotUnderstood().run(dispatcher, load_tracker("fallback_unknown_role"), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role"
    assert message["mention"] == "dental assistant" and message["roles"] == "Machine Learning Engineer"


def test_a_known_role_or_no_role_asks_to_rephrase(one_role_kb, dispatcher, domain):
    ActionNotUnderstood().run(dispatcher, load_tracker("fallback_known_role"), domain)
    ActionNotUnderstood().run(dispatcher, load_tracker("greet"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_default", "utter_default"]


def test_without_a_database_it_still_replies(missing_kb, dispatcher, domain):
    ActionNotUnderstood().run(dispatcher, load_tracker("fallback_unknown_role"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]
