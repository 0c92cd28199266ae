"""action_answer_topic: the right role's facts, honest gaps, unknown roles, failures."""
from __future__ import annotations

import logging

from rasa_sdk.events import SlotSet

from actions.answer_topic import ActionAnswerTopic
from tests.actions.conftest import load_tracker
from tests.conftest import DENTAL_SALARY, ML_SALARY


def run(name, dispatcher, domain):
    return ActionAnswerTopic().answer(dispatcher, load_tracker(name), domain)


def test_salary_of_the_only_role_when_none_is_named(one_role_kb, dispatcher, domain):
    events = run("salary_no_role", dispatcher, domain)
    (message,) = dispatcher.messages
    assert ML_SALARY in message["text"] and "Indeed Salaries" in message["text"]
    assert "geographic location" in message["text"]
    assert SlotSet("role", "machine-learning-engineer") in events


def test_a_synonym_in_the_message_picks_the_role(two_role_kb, dispatcher, domain):
    run("salary_named_role", dispatcher, domain)
    assert ML_SALARY in dispatcher.messages[0]["text"]


def test_a_role_the_kb_does_not_have_is_never_answered_with_another(one_role_kb, dispatcher, domain):
    events = run("salary_unknown_role", dispatcher, domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role"
    assert message["mention"] == "dental assistant"
    assert message["roles"] == "Machine Learning Engineer"
    assert "text" not in message or ML_SALARY not in (message.get("text") or "")
    assert not any(isinstance(e, dict) and e.get("name") == "role" for e in events)


def test_a_known_role_wins_over_the_candidates_own_job(one_role_kb, dispatcher, domain):
    run("salary_unknown_and_known_role", dispatcher, domain)
    assert ML_SALARY in dispatcher.messages[0]["text"]


def test_a_topic_the_description_does_not_cover_is_said_honestly(one_role_kb, dispatcher, domain):
    run("benefits_no_role", dispatcher, domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_not_in_description"
    assert message["role_title"] == "Machine Learning Engineer"
    assert message["topic_label"] == "benefits or perks"


def test_the_role_of_the_conversation_carries_over(two_role_kb, dispatcher, domain):
    run("skills_role_in_slot", dispatcher, domain)
    text = dispatcher.messages[0]["text"]
    assert "R, Java and Python" in text and text.count("\n- ") == 8


def test_several_roles_and_no_clue_asks_which_and_remembers_the_question(two_role_kb, dispatcher, domain):
    events = run("salary_no_role", dispatcher, domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_which_role"
    assert message["roles"] == "Dental Hygiene Coordinator and Machine Learning Engineer"
    assert SlotSet("pending_topic", "salary") in events


def test_naming_the_role_then_answers_the_pending_question(two_role_kb, dispatcher, domain):
    events = run("inform_role_with_pending_topic", dispatcher, domain)
    assert DENTAL_SALARY in dispatcher.messages[0]["text"]
    assert SlotSet("pending_topic", None) in events
    assert SlotSet("role", "dental-hygiene-coordinator") in events


def test_the_job_page_says_which_role(two_role_kb, dispatcher, domain):
    events = run("salary_on_page", dispatcher, domain)
    assert DENTAL_SALARY in dispatcher.messages[0]["text"]
    assert SlotSet("page_role", "dental-hygiene-coordinator") in events


def test_a_role_chosen_in_the_chat_beats_a_page_seen_before(two_role_kb, dispatcher, domain):
    run("salary_after_switching_in_chat", dispatcher, domain)
    assert ML_SALARY in dispatcher.messages[0]["text"]


def test_an_unknown_role_is_echoed_without_markup(one_role_kb, dispatcher, domain):
    run("unknown_role_with_markup", dispatcher, domain)
    mention = dispatcher.messages[0]["mention"]
    assert "<" not in mention and ">" not in mention and "wizard" in mention


def test_a_missing_database_gives_a_polite_reply_and_one_log_line(missing_kb, dispatcher, domain, caplog):
    with caplog.at_level(logging.ERROR):
        events = run("salary_no_role", dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_lookup_unavailable"]
    assert events == []
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "gone.sqlite" in errors[0].getMessage()
    assert errors[0].exc_info is None  # a clear line, not a stack trace


def test_supervisor_in_a_reporting_question_names_the_boss_not_a_role(one_role_kb, dispatcher, domain):
    run("reporting_supervisor_word", dispatcher, domain)
    assert "Senior Machine Learning Engineer" in dispatcher.messages[0]["text"]


def test_an_occupation_in_a_reporting_question_is_still_an_unknown_role(one_role_kb, dispatcher, domain):
    run("reporting_other_occupation", dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_unknown_role"
    assert dispatcher.messages[0]["mention"] == "project manager"



def test_the_server_runs_the_action_in_a_worker_thread_not_on_its_event_loop(one_role_kb, dispatcher, domain):
    """rasa_sdk awaits `run`; the knowledge-base work happens in another thread, so the
    event loop stays free for other conversations."""
    import asyncio
    import threading

    threads = []
    action = ActionAnswerTopic()
    answer = action.answer

    def recording(*args):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return answer(*args)

    action.answer = recording  # type: ignore[method-assign]

    async def on_the_loop():  # type: ignore[no-untyped-def]
        return threading.current_thread(), await action.run(dispatcher, load_tracker("salary_no_role"), domain)

    loop_thread, events = asyncio.run(on_the_loop())
    assert threads and threads[0] is not loop_thread
    assert SlotSet("role", "machine-learning-engineer") in events
    assert ML_SALARY in dispatcher.messages[0]["text"]
