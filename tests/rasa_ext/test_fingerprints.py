"""rasa_ext/fingerprints.py tells training messages apart exactly as Rasa's fingerprints
do: equal content, equal fingerprint (in any process, in any key order); any change to a
token, a feature or the data, another fingerprint (else Rasa's cache would hand back a
stale component)."""
from __future__ import annotations

import contextlib
import copy
import subprocess

import numpy as np
import pytest
import scipy.sparse

from harness.servers import PYTHON, ROOT, base_env
from rasa_ext import patches
from rasa_ext.fingerprints import RASAS


@pytest.fixture(scope="module", autouse=True)
def installed():
    patches.install()


def _message(intent="ask_salary", lemma="pay", sparse_value=1.0, dense_value=0.5,
             token_data=None, order=("text", "intent")):
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    fields = {"text": "what does it pay", "intent": intent}
    message = Message(data={key: fields[key] for key in order})
    words = ["what", "does", "it", "pay"]
    starts = [0, 5, 10, 13]
    tokens = [Token(word, start, lemma=word, data=dict(token_data or {"pos": "X"}))
              for word, start in zip(words, starts)]
    tokens[-1].lemma = lemma
    message.set("text_tokens", tokens)
    counts = np.zeros((4, 30))
    counts[3, 7] = sparse_value
    message.add_features(Features(scipy.sparse.coo_matrix(counts), "sequence", "text",
                                  "CountVectorsFeaturizer"))
    vectors = np.full((1, 8), dense_value, dtype=np.float32)
    message.add_features(Features(vectors, "sentence", "text", "MiniLMFeaturizer"))
    return message


def test_equal_content_gives_equal_fingerprints_in_any_key_order():
    assert _message().fingerprint() == _message(order=("intent", "text")).fingerprint()
    assert _message() == _message()
    assert len({_message(), _message()}) == 1


@pytest.mark.parametrize("changed", [
    {"intent": "ask_reporting_line"}, {"lemma": "paid"}, {"sparse_value": 2.0},
    {"dense_value": 0.25}, {"token_data": {"pos": "VERB"}}])
def test_any_change_gives_another_fingerprint(changed):
    assert _message(**changed).fingerprint() != _message().fingerprint()


def test_a_moved_value_offset_or_origin_gives_another_fingerprint():
    from rasa.shared.nlu.training_data.features import Features

    original = _message()
    moved = _message()
    matrix = moved.features[0].features.tocoo()
    moved.features[0] = Features(
        scipy.sparse.coo_matrix((matrix.data, (matrix.row, matrix.col + 1)), matrix.shape),
        "sequence", "text", "CountVectorsFeaturizer")
    shifted = _message()
    shifted.get("text_tokens")[1].start = 6
    shifted.set("text_tokens", shifted.get("text_tokens"))  # as tokenizers do: set again
    renamed = _message()
    renamed.features[1] = Features(renamed.features[1].features, "sentence", "text",
                                   "AnotherFeaturizer")
    renamed.set("intent", "ask_salary")  # any set() drops the kept fingerprint
    fingerprints = {m.fingerprint() for m in (original, moved, shifted, renamed)}
    assert len(fingerprints) == 4


def test_a_changed_message_is_fingerprinted_again():
    message = _message()
    before = message.fingerprint()
    message.set("intent", "ask_reporting_line")
    assert message.fingerprint() != before
    message.set("intent", "ask_salary")
    assert message.fingerprint() == before


def test_the_same_fingerprint_in_another_process():
    probe = ("from rasa_ext import patches; patches.install()\n"
             "from tests.rasa_ext.test_fingerprints import _message\n"
             "print(_message().fingerprint())")
    done = subprocess.run([PYTHON, "-c", probe], cwd=ROOT, env=base_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == _message().fingerprint()


def test_data_json_cannot_encode_gets_rasas_fingerprint():
    message = _message()
    message.set("metadata", {1: "one", "two": 2})  # keys of mixed types cannot be sorted
    assert message.fingerprint() == RASAS["Message.fingerprint"](message)


@contextlib.contextmanager
def rasas_fingerprints():
    """Rasa's own fingerprints of messages, tokens and features, for a while."""
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    ours = Message.fingerprint, Token.fingerprint, Features.fingerprint
    Message.fingerprint, Token.fingerprint, Features.fingerprint = (
        RASAS["Message.fingerprint"], RASAS["Token.fingerprint"], RASAS["Features.fingerprint"])
    try:
        yield
    finally:
        Message.fingerprint, Token.fingerprint, Features.fingerprint = ours


def test_training_data_is_told_apart_as_rasa_tells_it_apart(tmp_path):
    """Our training examples, tokenized and featurized, some duplicated: the same groups
    of equal messages by our fingerprint as by Rasa's."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
        CountVectorsFeaturizer)
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.importers.rasa import RasaFileImporter

    data = RasaFileImporter(training_data_paths=[str(ROOT / "data" / "nlu")]).get_nlu_data()
    examples = data.intent_examples[:600]
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    tokenizer.process_training_data(data)
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "max_ngram": 3},
        LocalModelStorage(tmp_path), Resource("counts"), ExecutionContext(GraphSchema({})))
    featurizer.train(data)
    featurizer.process_training_data(data)
    messages = examples + [copy.deepcopy(m) for m in examples[::7]]

    def groups():
        by_fingerprint = {}
        for index, message in enumerate(messages):
            message._cached_fingerprint = None
            for features in message.features:
                features._cached_fingerprint = None
            by_fingerprint.setdefault(message.fingerprint(), []).append(index)
        return sorted(by_fingerprint.values())

    ours = groups()
    with rasas_fingerprints():
        rasas = groups()
    assert ours == rasas
    assert len(ours) == len(examples)
