"""The quality gate on answers: every question of tests/answers/questions.yml asked to the
live bot (the session's real servers), each reply judged against the knowledge base."""
from __future__ import annotations

import pytest

from harness.answer_check import Judge, load_conversations, run

pytestmark = pytest.mark.e2e

MIN_ACCURACY = 0.95
MAX_FALSE_ANSWER_RATE = 0.02


def test_the_question_table_is_big_enough_to_mean_something():
    turns = [t for c in load_conversations() for t in c]
    kinds = {t.expect.split(":")[0] for t in turns}
    assert len(turns) >= 150 and kinds == {"topic", "not_described", "unknown_role", "declined"}


def test_answer_accuracy_and_false_answer_rate_meet_the_gate(bot, kb):
    results = run(bot.reply_text, Judge(kb, "machine-learning-engineer"))
    print("\n" + results.summary())
    assert results.false_answer_rate <= MAX_FALSE_ANSWER_RATE, results.summary()
    assert results.accuracy >= MIN_ACCURACY, results.summary()


def test_the_judge_is_not_fooled(kb):
    judge = Judge(kb, "machine-learning-engineer")
    salary = " ".join(f.text for f in kb.facts("machine-learning-engineer", "salary"))
    assert judge.correct("topic:salary", salary)
    assert not judge.correct("topic:salary", "The salary is competitive.")
    assert judge.states_a_fact(f"Sure! {salary}")
    assert not judge.correct("unknown_role", f"I don't have any information about the nurse role. {salary}")
    assert judge.correct("unknown_role", "I don't have any information about the nurse role. "
                                         "I can answer questions about Machine Learning Engineer.")
    assert not judge.correct("declined", "Goodbye, and good luck with your application!")
