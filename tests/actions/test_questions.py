"""Several questions in one message, each classified by the Rasa server (`questions` in the
parse data): each is answered in order, whatever the message's own intent was."""
from __future__ import annotations

from typing import List, Tuple

from rasa_sdk import Tracker

from actions.answer_topic import ActionAnswerTopic
from actions.fallback import ActionNotUnderstood
from actions.not_described import ActionNotDescribed
from tests.actions.conftest import load_tracker


def _with_questions(intent: str, pieces: List[Tuple[str, str, float]]) -> Tracker:
    tracker = load_tracker("salary_and_benefits")
    tracker.latest_message.update({
        "intent": {"name": intent, "confidence": 0.8},
        "questions": [{"text": text, "intent": {"name": name, "confidence": confidence}}
                      for text, name, confidence in pieces]})
    return tracker


def test_a_confident_intent_still_gets_every_question_answered(one_role_kb, kb_facts, dispatcher, domain):
    tracker = _with_questions("ask_salary", [("what's the salary", "ask_salary", 0.9),
                                             ("who would I report to?", "ask_reporting", 0.8)])
    ActionAnswerTopic().answer(dispatcher, tracker, domain)
    salary, reporting = dispatcher.messages
    assert all(f.text in salary["text"] for f in kb_facts("salary"))
    assert all(f.text in reporting["text"] for f in kb_facts("reporting"))


def test_a_piece_nlu_is_unsure_of_is_not_a_question(one_role_kb, kb_facts, dispatcher, domain):
    tracker = _with_questions("ask_salary", [("what's the salary", "ask_salary", 0.9),
                                             ("sql", "ask_reporting", 0.3)])
    ActionAnswerTopic().answer(dispatcher, tracker, domain)
    (salary,) = dispatcher.messages
    assert not any(f.text in salary["text"] for f in kb_facts("reporting"))


def test_a_question_no_topic_covers_is_said_so_after_the_answer(one_role_kb, kb_facts, dispatcher, domain):
    tracker = _with_questions("ask_not_described", [("what does it pay", "ask_salary", 0.8),
                                                    ("can I bring my dog", "ask_not_described", 0.9)])
    ActionNotDescribed().answer(dispatcher, tracker, domain)
    salary, dog = dispatcher.messages
    assert all(f.text in salary["text"] for f in kb_facts("salary"))
    assert dog["response"] == "utter_not_described"


def test_an_unclear_message_gets_its_questions_answered(one_role_kb, kb_facts, dispatcher, domain):
    tracker = _with_questions("nlu_fallback", [("do I need a degree", "ask_education", 0.7),
                                               ("how many years", "ask_experience", 0.6)])
    ActionNotUnderstood().answer(dispatcher, tracker, domain)
    education, experience = dispatcher.messages
    assert all(f.text in education["text"] for f in kb_facts("education"))
    assert all(f.text in experience["text"] for f in kb_facts("experience"))
