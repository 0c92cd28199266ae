"""The answer gate on the NLU test set (tests/nlu/test/: candidates' questions written from
scratch, never used to choose training data): every role question, question no topic
covers and out-of-scope message asked to the live bot over the shipped knowledge, the
expectation derived from its label and the roles it names (harness.answer_check)."""
from __future__ import annotations

import pytest

from harness.answer_check import Judge, run, turns_from_nlu_set
from harness.nlu_sets import TEST

pytestmark = pytest.mark.e2e

# Reached on the test set: 92.4 % accuracy, 1.0 % false answers (4/419); 89.3 % and 1.9 %
# before likely role questions on a job page were taken as about its role and role names
# stopped matching fields and English words (docs/intents.md). Issue 13 asks 95 % and at
# most 1 %. These gates hold what is reached, so a change that makes answers worse fails.
MIN_ACCURACY = 0.91
MAX_FALSE_ANSWER_RATE = 0.015


def test_answers_to_the_test_set_meet_the_gate(bot, shipped):
    conversations = turns_from_nlu_set(TEST, shipped)
    assert len(conversations) >= 300
    results = run(bot.reply_text, Judge(shipped), conversations)
    print("\n" + results.summary())
    rate, false, total = results.rate_of("no_topic")
    print(f"questions no topic covers: {false}/{total} false answers ({rate:.1%})")
    assert results.false_answer_rate <= MAX_FALSE_ANSWER_RATE, results.summary()
    assert results.accuracy >= MIN_ACCURACY, results.summary()
