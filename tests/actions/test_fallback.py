"""action_not_understood: a role named in an unclear message still decides the reply."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.answer_topic import ActionAnswerTopic
from actions.fallback import ActionNotUnderstood
from tests.actions.conftest import load_tracker
from tests.conftest import ML_SALARY


def test_an_unknown_occupation_is_named_even_when_the_question_is_unclear(one_role_kb, dispatcher, domain):
    ActionNotUnderstood().answer(dispatcher, load_tracker("fallback_unknown_role"), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role"
    assert message["mention"] == "dental assistant" and message["roles"] == "Machine Learning Engineer"


def test_a_known_role_gets_its_overview(one_role_kb, kb_facts, dispatcher, domain):
    ActionNotUnderstood().answer(dispatcher, load_tracker("fallback_known_role"), domain)
    (message,) = dispatcher.messages
    assert all(f.text in message["text"] for f in kb_facts("overview"))


def test_a_known_role_answers_the_question_that_was_waiting_for_it(one_role_kb, dispatcher, domain):
    events = ActionNotUnderstood().answer(
        dispatcher, load_tracker("fallback_known_role_with_pending_topic"), domain)
    assert ML_SALARY in dispatcher.messages[0]["text"]
    assert SlotSet("pending_topic", None) in events


def test_an_unknown_role_keeps_the_question_for_the_next_role_named(one_role_kb, dispatcher, domain):
    events = ActionAnswerTopic().answer(dispatcher, load_tracker("salary_unknown_role"), domain)
    assert SlotSet("pending_topic", "salary") in events


def test_no_role_asks_to_rephrase(one_role_kb, dispatcher, domain):
    ActionNotUnderstood().answer(dispatcher, load_tracker("greet"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]


def test_without_a_database_it_still_replies(missing_kb, dispatcher, domain):
    ActionNotUnderstood().answer(dispatcher, load_tracker("fallback_unknown_role"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]


def test_a_known_role_gets_nlus_best_guess_when_it_is_a_role_question(one_role_kb, dispatcher, domain):
    ActionNotUnderstood().answer(dispatcher, load_tracker("fallback_known_role_best_guess"), domain)
    (message,) = dispatcher.messages
    assert ML_SALARY in message["text"]


def test_a_message_split_between_two_role_questions_gets_both_answers_in_order(one_role_kb, dispatcher, domain):
    ActionNotUnderstood().answer(dispatcher, load_tracker("salary_and_benefits"), domain)
    first, second = dispatcher.messages
    assert ML_SALARY in first["text"]
    assert second["response"] == "utter_not_in_description"
    assert second["topic_label"] == "benefits or perks"


def test_two_questions_about_an_unknown_role_say_so_once(one_role_kb, dispatcher, domain):
    events = ActionNotUnderstood().answer(dispatcher, load_tracker("salary_and_benefits_unknown_role"), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "nurse"
    assert SlotSet("pending_topic", "salary") in events


def test_a_split_between_a_role_question_and_small_talk_is_not_two_questions(one_role_kb, dispatcher, domain):
    tracker = load_tracker("salary_and_benefits")
    tracker.latest_message["intent_ranking"][2] = {"name": "greet", "confidence": 0.44}
    ActionNotUnderstood().answer(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]


def test_an_unclear_question_naming_a_role_is_not_answered_with_another_topics_facts(
        one_role_kb, kb_facts, dispatcher, domain):
    """"will my tattoos be a problem for the ML engineer job" read as 0.1 skills must not
    get the skills list: the description doesn't say."""
    tracker = load_tracker("fallback_known_role")
    tracker.latest_message.update({
        "text": "will my tattoos be a problem for the ML engineer job",
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.55},
                           {"name": "ask_skills", "confidence": 0.1},
                           {"name": "ask_dress_code", "confidence": 0.08}]})
    events = ActionNotUnderstood().answer(dispatcher, tracker, domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_not_described"
    assert message["role_title"] == "Machine Learning Engineer"
    assert SlotSet("role", "machine-learning-engineer") in events
    assert not any(f.text in str(message) for f in kb_facts("skills"))


def test_an_unclear_question_naming_a_role_gets_the_best_guess_when_it_is_likely(
        one_role_kb, kb_facts, dispatcher, domain):
    tracker = load_tracker("fallback_known_role")
    tracker.latest_message.update({
        "text": "the ML engineer job, what's needed skill-wise",
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.55},
                           {"name": "ask_skills", "confidence": 0.5},
                           {"name": "inform_role", "confidence": 0.2}]})
    ActionNotUnderstood().answer(dispatcher, tracker, domain)
    (message,) = dispatcher.messages
    assert all(f.text in message["text"] for f in kb_facts("skills"))


def test_an_unclear_question_on_a_job_page_gets_the_best_guess_about_that_role(
        one_role_kb, dispatcher, domain):
    """"whats the sallary" on the Machine Learning Engineer's page, read as 0.40 salary:
    the page names the role as clearly as the message could."""
    events = ActionNotUnderstood().answer(dispatcher, load_tracker("fallback_on_page_best_guess"), domain)
    (message,) = dispatcher.messages
    assert ML_SALARY in message["text"]
    assert SlotSet("role", "machine-learning-engineer") in events


def test_an_unclear_question_on_a_job_page_with_no_likely_topic_is_not_described(
        one_role_kb, kb_facts, dispatcher, domain):
    """"does the team do friday drinks" on the page, read as 0.18 a question the
    description does not cover and 0.18 skills: the description doesn't say, rather than
    the skills list or "didn't understand"."""
    events = ActionNotUnderstood().answer(dispatcher, load_tracker("fallback_on_page_unclear_guess"), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_not_described"
    assert message["role_title"] == "Machine Learning Engineer"
    assert SlotSet("role", "machine-learning-engineer") in events
    assert not any(f.text in str(message) for f in kb_facts("skills"))


@pytest.mark.parametrize("text,ranking", [
    ("what is naval engineering", [("ask_overview", 0.262), ("ask_open_roles", 0.051)]),
    ("is the pnc bank open", [("out_of_scope", 0.282), ("ask_vacancy_reason", 0.081)]),
    ("suo2", [("inform_role", 0.143), ("greet", 0.101)]),
])
def test_an_unclear_message_on_a_job_page_that_is_no_likely_role_question_is_not_understood(
        one_role_kb, dispatcher, domain, text, ranking):
    """The page comes with every message asked there: out of scope or gibberish, with no
    role question at least PAGE_GUESS_MIN_CONFIDENCE likely, it gets "didn't understand",
    not the page role's overview."""
    tracker = load_tracker("fallback_on_page_best_guess")
    tracker.latest_message.update({"text": text, "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.55}] + [{"name": n, "confidence": c} for n, c in ranking]})
    ActionNotUnderstood().answer(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]
