"""No fact can be invented: every quote of every job file occurs in its source document."""
from __future__ import annotations

import re

import pytest

from bot.jobfiles import read_knowledge, squash
from tests.conftest import KNOWLEDGE, ML_SALARY, SHIPPED_KNOWLEDGE

# The shipped knowledge (whatever a hiring team made of it) and the tests' fixed one.
FOLDERS = pytest.mark.parametrize("folder", [SHIPPED_KNOWLEDGE, KNOWLEDGE], ids=["shipped", "fixed"])


@FOLDERS
def test_every_quote_occurs_verbatim_in_its_source_document(folder):
    knowledge = read_knowledge(folder)
    assert knowledge.jobs, "the knowledge folder holds no job"
    checked = 0
    for job in knowledge.jobs:
        source = squash(job.source.path.read_text(encoding="utf-8"))
        facts = [job.summary] + [f for facts in job.topics.values() for f in facts]
        for fact in facts:
            assert fact.quote in source, f"{job.path.name}: quote not in source: {fact.quote!r}"
            checked += 1
    assert checked >= 25


def test_the_machine_learning_engineer_source_is_the_shared_job_description():
    job = next(j for j in read_knowledge(KNOWLEDGE).jobs if j.slug == "machine-learning-engineer")
    assert job.source.path.name == "machine-learning-engineer.txt"
    assert job.source.text.startswith("What does a Machine Learning Engineer do?")


@FOLDERS
def test_every_figure_the_bot_states_is_in_the_quote_it_comes_from(folder):
    for job in read_knowledge(folder).jobs:
        for facts in job.topics.values():
            for fact in facts:
                for figure in re.findall(r"\$?\d[\d,]*", fact.text):
                    assert figure in fact.quote, f"{job.slug}: {figure} not in {fact.quote!r}"


def test_the_salary_fact_keeps_its_figure_period_and_source():
    job = next(j for j in read_knowledge(KNOWLEDGE).jobs if j.slug == "machine-learning-engineer")
    salary = " ".join(f.text for f in job.topics["salary"])
    for expected in (ML_SALARY, "per year", "Indeed Salaries", "geographic location"):
        assert expected in salary
