"""The answer gate on the NLU test set (tests/nlu/test/: candidates' questions written from
scratch, never used to choose training data): every role question, question no topic
covers and out-of-scope message asked to the live bot over the shipped knowledge, the
expectation derived from its label and the roles it names (harness.answer_check). And the
development set's out-of-scope messages asked on job pages, as the web chat asks them."""
from __future__ import annotations

import pytest

from harness.answer_check import (Judge, Results, out_of_scope_on_job_pages, run,
                                  turns_from_nlu_set)
from harness.nlu_sets import DEV, TEST

pytestmark = pytest.mark.e2e

# Reached on the test set: 92.4 % accuracy, 1.0 % false answers (4/419); 89.3 % and 1.9 %
# before likely role questions on a job page were taken as about its role and role names
# stopped matching fields and English words (docs/intents.md). Issue 13 asks 95 % and at
# most 1 %. These gates hold what is reached, so a change that makes answers worse fails.
MIN_ACCURACY = 0.91
MAX_FALSE_ANSWER_RATE = 0.015


def _asked(bot, shipped, conversations, at_least: int) -> Results:
    """The live bot's answers to `conversations`, judged and printed."""
    assert len(conversations) >= at_least
    results = run(bot.reply_text, Judge(shipped), conversations)
    print("\n" + results.summary())
    return results


def test_answers_to_the_test_set_meet_the_gate(bot, shipped):
    results = _asked(bot, shipped, turns_from_nlu_set(TEST, shipped), 300)
    rate, false, total = results.rate_of("no_topic")
    print(f"questions no topic covers: {false}/{total} false answers ({rate:.1%})")
    assert results.false_answer_rate <= MAX_FALSE_ANSWER_RATE, results.summary()
    assert results.accuracy >= MIN_ACCURACY, results.summary()


# The development set's out-of-scope messages asked on job pages: 93.5 % declined, 1 false
# answer of 124 (docs/intents.md); 74.2 % and 5 with the page taken as naming the role
# whatever NLU guessed.
MAX_FALSE_ANSWERS_ON_PAGES = 2


def test_out_of_scope_messages_on_job_pages_get_no_role_facts(bot, shipped):
    results = _asked(bot, shipped, out_of_scope_on_job_pages(DEV, shipped), 100)
    assert len(results.false_answers) <= MAX_FALSE_ANSWERS_ON_PAGES, results.summary()
