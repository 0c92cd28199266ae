"""The answer check over many roles: the shipped knowledge (whatever a hiring team made of
it) loaded into the session's running bot, the questions of tests/answers/multi_role.yml
(written without looking at the job files) asked over REST, each reply judged against the
facts of the role it is about, and any fact of another role counted as a false answer."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import List

import pytest

from bot import KnowledgeBase
from bot.jobfiles import read_knowledge
from bot.loader import load_knowledge
from harness.answer_check import MULTI_ROLE_QUESTIONS, Judge, Turn, load_conversations, run
from tests.conftest import SHIPPED_KNOWLEDGE, sqlite_url

pytestmark = pytest.mark.e2e

MIN_ACCURACY = 0.95
MAX_FALSE_ANSWER_RATE = 0.01


def conversations_for(kb: KnowledgeBase) -> List[List[Turn]]:
    """The table's conversations whose roles the knowledge base has (a hiring team may have
    removed one); the others are left out, not failed."""
    slugs = {r.slug for r in kb.roles()}
    return [c for c in load_conversations(MULTI_ROLE_QUESTIONS)
            if all(t.role in slugs or t.role is None for t in c)
            and all(t.page in slugs or t.page is None for t in c)]


def test_the_table_is_big_and_varied_enough_to_mean_something():
    turns = [t for c in load_conversations(MULTI_ROLE_QUESTIONS) for t in c]
    kinds = {t.expect.split(":")[0] for t in turns}
    assert len(turns) >= 150 and kinds == {"about", "unknown_role", "which_role", "declined"}
    assert len({t.role for t in turns if t.role}) >= 6
    assert sum(1 for t in turns if t.page) >= 20
    assert sum(1 for t in turns if t.expect == "unknown_role" and t.page) >= 5
    assert len({t.question.lower() for t in turns}) == len(turns)


def test_answers_over_many_roles_meet_the_gate(bot, shipped):
    conversations = conversations_for(shipped)
    results = run(bot.reply_text, Judge(shipped), conversations)
    print("\n" + results.summary())
    rate, false, total = results.rate_of("unknown_role")
    print(f"occupations outside the knowledge base: {false}/{total} false answers ({rate:.1%})")
    assert rate <= MAX_FALSE_ANSWER_RATE, results.summary()
    assert results.false_answer_rate <= MAX_FALSE_ANSWER_RATE, results.summary()
    assert results.accuracy >= MIN_ACCURACY, results.summary()


def _raise_salaries(knowledge: Path) -> List[str]:
    """Change every dollar figure of every salary fact, in the job files and their sources
    alike, as a hiring team editing pay would; the new figures."""
    changed = []
    for job in read_knowledge(knowledge).jobs:
        figures = {m for fact in job.topics.get("salary", [])
                   for m in re.findall(r"\$\d[\d,]*", fact.text)}
        for figure in sorted(figures, key=len, reverse=True):
            digits = figure[1:].replace(",", "")
            new = f"${int(digits) + 7:,}" if "," in figure else f"${int(digits) + 7}"
            exactly = re.compile(re.escape(figure) + r"(?![\d,]*\d)")  # not $4 of $40,000
            for path in (job.path, job.source.path):
                path.write_text(exactly.sub(new, path.read_text(encoding="utf-8")), encoding="utf-8")
            changed.append(new)
    return changed


def test_a_hiring_team_editing_pay_breaks_no_test(bot, shipped, kb_path: Path, tmp_path: Path):
    """Every salary question of the table is judged the same before and after every pay
    figure of the shipped knowledge changes (in a copy), and the replies carry the new ones."""
    salary = [[t for t in c if t.expect == "about:salary"] for c in conversations_for(shipped)]
    salary = [c for c in salary if c and c[0].position == 0]
    before = run(bot.reply_text, Judge(shipped), salary)
    edited = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, edited)
    new_figures = _raise_salaries(edited)
    assert new_figures, "no salary figure in the shipped knowledge to change"
    load_knowledge(edited, sqlite_url(kb_path))
    try:
        after = run(bot.reply_text, Judge(shipped), salary)
    finally:
        load_knowledge(SHIPPED_KNOWLEDGE, sqlite_url(kb_path))
    print("\nbefore the edit: " + before.summary() + "\nafter the edit: " + after.summary())
    assert [j.correct for j in after.judged] == [j.correct for j in before.judged]
    replies = " ".join(j.reply for j in after.judged)
    assert any(figure in replies for figure in new_figures)
    assert not after.false_answers, after.summary()
