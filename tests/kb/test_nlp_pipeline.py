"""The spaCy pipeline built from the knowledge base: a role added to the knowledge base is
recognised in messages once the pipeline is rebuilt, with no pattern written by hand."""
from __future__ import annotations


import pytest

from bot import KnowledgeBase
from bot.loader import load_knowledge
from tests.conftest import sqlite_url


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    import shutil

    from bot.nlp import save_pipeline
    from tests.conftest import FIXTURES, KNOWLEDGE

    root = tmp_path_factory.mktemp("nlp")
    knowledge = root / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    for sub in ("jobs", "sources"):
        for path in (FIXTURES / "knowledge" / sub).iterdir():
            shutil.copy(path, knowledge / sub / path.name)
    url = sqlite_url(root / "kb.sqlite")
    load_knowledge(knowledge, url)
    out = save_pipeline(KnowledgeBase(url).roles(), root / "pipeline")
    import spacy

    return spacy.load(str(out))


def roles_in(nlp, text):
    return [(e.text, e.ent_id_) for e in nlp(text).ents if e.label_ == "role"]


@pytest.mark.parametrize("text,mention,slug", [
    ("how much do Machine Learning Engineers make?", "Machine Learning Engineers", "machine-learning-engineer"),
    ("is the machine-learning engineer job remote", "machine-learning engineer", "machine-learning-engineer"),
    ("what do MLEs do", "MLEs", "machine-learning-engineer"),
    ("ML eng salary", "ML eng", "machine-learning-engineer"),
    # The test-only role: nobody wrote a pattern for it, the knowledge base has its names.
    ("what does a Dental Hygiene Coordinator earn", "Dental Hygiene Coordinator", "dental-hygiene-coordinator"),
    ("are hygiene coordinators well paid", "hygiene coordinators", "dental-hygiene-coordinator"),
    ("DHC pay?", "DHC", "dental-hygiene-coordinator"),
])
def test_every_name_of_every_role_is_recognised(nlp, text, mention, slug):
    assert roles_in(nlp, text) == [(mention, slug)]


@pytest.mark.parametrize("text", ["what does a data scientist earn", "the engineer role",
                                  "tell me about machine learning", "what's the salary"])
def test_other_words_are_not_roles(nlp, text):
    assert roles_in(nlp, text) == []


def test_lemmas_ignore_case(nlp):
    assert [t.lemma_ for t in nlp("Engineers reports paid")] == ["engineer", "report", "pay"]
