"""Greeting, capabilities and open roles name the roles the knowledge base holds."""
from __future__ import annotations

from actions.conversation import ActionDescribeCapabilities, ActionGreet, ActionListRoles
from tests.actions.conftest import load_tracker


def test_greeting_names_the_roles(two_role_kb, dispatcher, domain):
    ActionGreet().run(dispatcher, load_tracker("greet"), domain)
    assert dispatcher.messages[0]["response"] == "utter_greet"
    assert dispatcher.messages[0]["roles"] == "Dental Hygiene Coordinator and Machine Learning Engineer"


def test_capabilities_and_open_roles(one_role_kb, dispatcher, domain):
    ActionDescribeCapabilities().run(dispatcher, load_tracker("greet"), domain)
    ActionListRoles().run(dispatcher, load_tracker("greet"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_capabilities", "utter_open_roles"]
    assert all(m["roles"] == "Machine Learning Engineer" for m in dispatcher.messages)


def test_without_a_database_the_greeting_is_still_polite(missing_kb, dispatcher, domain):
    ActionGreet().run(dispatcher, load_tracker("greet"), domain)
    assert dispatcher.messages[0]["response"] == "utter_lookup_unavailable"
