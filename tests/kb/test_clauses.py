"""bot.clauses: a message asking several questions is split into them; one question stays
whole."""
from __future__ import annotations

import pytest

from bot.clauses import MAX_QUESTIONS, split_questions


@pytest.mark.parametrize("text, pieces", [
    ("what's the salary and who would I report to?", ["what's the salary", "who would I report to?"]),
    ("How much does it pay? Also is there a 401k", ["How much does it pay?", "is there a 401k"]),
    ("what's the pay, who do I report to", ["what's the pay", "who do I report to"]),
    ("what are the hours as well as the travel requirements",
     ["what are the hours", "the travel requirements"]),
    ("salary and benefits?", ["salary", "benefits?"]),
    ("what does it pay and then what are the hours", ["what does it pay", "what are the hours"]),
])
def test_several_questions_are_split(text, pieces):
    assert split_questions(text) == pieces


@pytest.mark.parametrize("text", [
    "what does a machine learning engineer do?",
    "also, what's the pay?",
    "and for the nurse?",
    "hi, I'm interested in the nurse job",
    "/inform_role{\"role\": \"Registered Nurse\"}",
])
def test_one_question_stays_whole(text):
    assert split_questions(text) == [text]


def test_a_list_of_more_topics_than_questions_is_one_question():
    assert MAX_QUESTIONS < 5
    assert split_questions("pay and hours and travel and benefits and dress code?") == [
        "pay and hours and travel and benefits and dress code?"]
