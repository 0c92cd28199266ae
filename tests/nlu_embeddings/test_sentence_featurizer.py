"""rasa_ext/sentence_featurizer.py: MiniLM features of the right shapes on training data
and on messages, and a Rasa model with it that trains, loads from its archive and parses."""
from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from harness.servers import PYTHON, ROOT, base_env
from rasa_ext.sentence_featurizer import MiniLMFeaturizer


def _create(cls, tmp_path: Path, **config):
    return cls.create({**cls.get_default_config(), **config}, LocalModelStorage(tmp_path),
                      Resource(cls.__name__), ExecutionContext(GraphSchema({}), cls.__name__))


@pytest.fixture
def tokenizer(tmp_path: Path) -> WhitespaceTokenizer:
    return _create(WhitespaceTokenizer, tmp_path)


def test_training_examples_and_messages_get_a_sentence_and_one_vector_per_token(
        minilm_dir: Path, encoder, tokenizer, tmp_path: Path):
    featurizer = _create(MiniLMFeaturizer, tmp_path, model_path=str(minilm_dir))
    examples = [Message(data={TEXT: text, INTENT: intent}) for text, intent in [
        ("what does it pay", "ask_salary"), ("how much is the salary", "ask_salary"),
        ("can I bring my dog", "out_of_scope")]]
    training = TrainingData(examples)
    tokenizer.process_training_data(training)
    featurizer.process_training_data(training)
    message = Message(data={TEXT: "what's the salary of a dental assistant?"})
    tokenizer.process([message])
    featurizer.process([message])

    for example in [*examples, message]:
        sequence, sentence = example.get_dense_features(TEXT)
        tokens = example.get(TOKENS_NAMES[TEXT])
        assert sequence.features.shape == (len(tokens), 384)
        assert sentence.features.shape == (1, 384)
        assert np.abs(sequence.features).sum(axis=1).min() > 0  # every token has a vector
        expected = encoder.encode([example.get(TEXT)])[0]
        np.testing.assert_allclose(sentence.features[0], expected, atol=1e-6)
    pay, salary, dog = (e.get_dense_features(TEXT)[1].features[0] for e in examples)
    assert pay @ salary > pay @ dog + 0.3


def test_sequence_features_can_be_left_out(minilm_dir: Path, tokenizer, tmp_path: Path):
    featurizer = _create(MiniLMFeaturizer, tmp_path, model_path=str(minilm_dir),
                         sequence_features=False)
    message = Message(data={TEXT: "who would be my boss"})
    tokenizer.process([message])
    featurizer.process([message])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None and sentence.features.shape == (1, 384)


def test_the_model_path_must_be_given_and_absolute(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("RECRUITING_MINILM_MODEL", raising=False)
    with pytest.raises(InvalidConfigException, match="RECRUITING_MINILM_MODEL"):
        _create(MiniLMFeaturizer, tmp_path)
    with pytest.raises(InvalidConfigException, match="absolute"):
        _create(MiniLMFeaturizer, tmp_path, model_path="models/minilm")
    with pytest.raises(InvalidConfigException, match="cannot load"):
        _create(MiniLMFeaturizer, tmp_path, model_path=str(tmp_path / "nothing"))


CONFIG = """\
recipe: default.v1
language: en
pipeline:
  - name: SpacyNLP
    model: ${RECRUITING_SPACY_MODEL}
  - name: SpacyTokenizer
  - name: rasa_ext.sentence_featurizer.MiniLMFeaturizer
    model_path: ${RECRUITING_MINILM_MODEL}
  - name: DIETClassifier
    epochs: 40
    random_seed: 42
    constrain_similarities: true
    number_of_transformer_layers: 0
"""

NLU = """\
version: "3.1"
nlu:
- intent: ask_salary
  examples: |
    - what does it pay
    - what is the pay
    - what's the wage
- intent: out_of_scope
  examples: |
    - can I bring my dog
    - what's the weather
    - tell me a joke
"""


def test_a_model_with_the_featurizer_trains_loads_and_tells_paraphrases(minilm_dir: Path, tmp_path: Path):
    """The MiniLM features alone: 'how much is the salary' shares no word with the
    training examples of ask_salary, yet is classified as such."""
    if not (ROOT / "models" / "spacy-pipeline" / "meta.json").is_file():
        pytest.fail("no spaCy pipeline: run `make models/spacy-pipeline/meta.json` (make test does)")
    (tmp_path / "config.yml").write_text(CONFIG)
    (tmp_path / "nlu.yml").write_text(NLU)
    run = subprocess.run(
        [PYTHON, "-m", "rasa_ext", "train", "nlu", "--config", str(tmp_path / "config.yml"),
         "--nlu", str(tmp_path / "nlu.yml"), "--out", str(tmp_path), "--fixed-model-name", "m"],
        cwd=tmp_path, env=base_env(RECRUITING_MINILM_MODEL=str(minilm_dir)),
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    from rasa.core.agent import Agent

    agent = Agent.load(str(tmp_path / "m.tar.gz"))
    for text, intent in [("how much is the salary", "ask_salary"),
                         ("how is the weather in Paris", "out_of_scope")]:
        parsed = asyncio.run(agent.parse_message(text))
        assert parsed["intent"]["name"] == intent, parsed
