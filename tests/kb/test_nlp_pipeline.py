"""The spaCy pipeline Rasa loads: occupation titles (O*NET, BLS) tagged as `role` in any
case and number, and nothing of the knowledge base, so a new role never retrains the model."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    import spacy

    from bot.mentions import read_occupations
    from bot.nlp import save_pipeline

    out = save_pipeline(read_occupations(), tmp_path_factory.mktemp("nlp") / "pipeline")
    return spacy.load(str(out))


def roles_in(nlp, text):
    return [e.text for e in nlp(text).ents if e.label_ == "role"]


@pytest.mark.parametrize("text,mention", [
    ("what is the salary range of a dentist", "dentist"),
    ("average salary for Geologists", "Geologists"),
    ("what is the pay scale for office manager", "office manager"),
    ("Tax Examiner job description", "Tax Examiner"),
    ("do registered nurses need a BSN", "registered nurses"),
])
def test_occupations_are_recognised_in_any_case_and_number(nlp, text, mention):
    assert roles_in(nlp, text) == [mention]


@pytest.mark.parametrize("text", ["who would be my manager?", "tell me about machine learning",
                                  "what's the salary", "which models do you train"])
def test_words_that_alone_mean_something_else_are_not_occupations(nlp, text):
    assert roles_in(nlp, text) == []


def test_the_pipeline_does_not_depend_on_the_knowledge_base():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    rule = next(line for line in makefile.splitlines() if line.startswith("$(SPACY_PIPELINE):"))
    assert "KB_DB" not in rule and "knowledge" not in rule


def test_lemmas_ignore_case(nlp):
    assert [t.lemma_ for t in nlp("Engineers reports paid")] == ["engineer", "report", "pay"]
