"""Several questions in one message (tests/several_questions/heldout.yml) asked to the live
bot: each gets an answer to at least one of its questions (both when NLU is split between
them), and a message about an occupation the knowledge base lacks gets no fact."""
from __future__ import annotations

import pytest

from harness import several_questions
from harness.answer_check import Judge

pytestmark = pytest.mark.e2e

MIN_SOME_ANSWERED = 0.9


def test_the_messages_each_ask_two_known_topics(kb):
    messages = several_questions.load_messages()
    topics = {t.key for t in kb.topics()}
    assert len(messages) >= 50
    assert all(len(m.topics) == 2 and set(m.topics) <= topics for m in messages)


def test_every_message_gets_an_answer_to_one_of_its_questions_and_no_false_fact(bot, kb):
    results = several_questions.run(bot.reply_text, Judge(kb, "machine-learning-engineer"))
    print("\n" + results.summary())
    assert results.false_answers == 0, results.summary()
    assert results.some_answered >= MIN_SOME_ANSWERED, results.summary()
