"""Greeting, capabilities and open roles name the roles the knowledge base holds."""
from __future__ import annotations

from actions.conversation import ActionDescribeCapabilities, ActionGreet, ActionListRoles
from tests.actions.conftest import load_tracker


def test_greeting_names_the_roles(two_role_kb, dispatcher, domain):
    ActionGreet().answer(dispatcher, load_tracker("greet"), domain)
    assert dispatcher.messages[0]["response"] == "utter_greet"
    assert dispatcher.messages[0]["roles"] == "Dental Hygiene Coordinator and Machine Learning Engineer"


def test_capabilities_and_open_roles(one_role_kb, dispatcher, domain):
    ActionDescribeCapabilities().answer(dispatcher, load_tracker("greet"), domain)
    ActionListRoles().answer(dispatcher, load_tracker("greet"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_capabilities", "utter_open_roles"]
    assert all(m["roles"] == "Machine Learning Engineer" for m in dispatcher.messages)


def test_without_a_database_the_greeting_is_still_polite(missing_kb, dispatcher, domain):
    ActionGreet().answer(dispatcher, load_tracker("greet"), domain)
    assert dispatcher.messages[0]["response"] == "utter_lookup_unavailable"


def test_open_roles_are_listed_with_links_for_the_web_chat(two_role_kb, dispatcher, domain):
    assert ActionListRoles().answer(dispatcher, load_tracker("open_roles"), domain) == []
    (message,) = dispatcher.messages
    assert message["response"] == "utter_open_roles"
    assert message["roles"] == "Dental Hygiene Coordinator and Machine Learning Engineer"
    assert message["roles_linked"] == ("[Dental Hygiene Coordinator](/jobs/dental-hygiene-coordinator)"
                                       " and [Machine Learning Engineer](/jobs/machine-learning-engineer)")


def test_a_field_of_work_lists_only_the_roles_that_match(two_role_kb, dispatcher, domain):
    ActionListRoles().answer(dispatcher, load_tracker("open_roles_dental"), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_matching_roles"
    assert message["roles"] == "Dental Hygiene Coordinator"


def test_a_field_no_role_matches_says_so_and_names_the_roles(two_role_kb, dispatcher, domain):
    ActionListRoles().answer(dispatcher, load_tracker("open_roles_nothing_matches"), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_no_matching_roles"
    assert message["roles"] == "Dental Hygiene Coordinator and Machine Learning Engineer"
