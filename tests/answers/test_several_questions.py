"""Several questions in one message asked to the live bot, over the shipped knowledge:
the test set (tests/several_questions/test.yml, written from scratch, never used to choose
training data) gates; the development set is reported."""
from __future__ import annotations

import pytest

from harness import several_questions
from harness.answer_check import Judge
from harness.nlu_sets import SEVERAL_DEV, SEVERAL_TEST

pytestmark = pytest.mark.e2e

MIN_ALL_ANSWERED = 0.8


@pytest.mark.parametrize("path", [SEVERAL_DEV, SEVERAL_TEST], ids=["dev", "test"])
def test_the_messages_each_ask_two_questions(path, kb):
    topics = {t.key for t in kb.topics()} | {"not_described"}
    messages = several_questions.load_messages(path)
    assert len(messages) >= 50
    assert all(len(m.topics) == 2 and set(m.topics) <= topics for m in messages)


def test_the_development_set_gets_no_false_fact(bot, shipped):
    results = several_questions.run(bot.reply_text, Judge(shipped), SEVERAL_DEV)
    print("\n" + results.summary())
    assert results.false_answers == 0, results.summary()


def test_both_questions_are_answered_in_the_test_set(bot, shipped):
    results = several_questions.run(bot.reply_text, Judge(shipped), SEVERAL_TEST)
    print("\n" + results.summary())
    assert results.false_answers == 0, results.summary()
    assert results.all_answered >= MIN_ALL_ANSWERED, results.summary()
