"""rasa_ext/diet_training.py computes what Rasa's CRF computes, values and gradients, on
batches of one token and of several (with padding and empty sequences), and keeps the
decode for the training metric off the gradient tape (what makes tracing quicker); it
puts together the same training batches as Rasa's, array for array."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import scipy.sparse

from rasa_ext import patches
from rasa_ext.diet_training import (
    RASAS, crf_decode_outside_tape, crf_log_norm_without_cond, pad_dense_sequences,
    sparse_batch_values)

TAGS = 5


@pytest.fixture(scope="module", autouse=True)
def installed():
    patches.install()


def _batch(length, lengths, seed):
    rng = np.random.default_rng(seed)
    inputs = tf.constant(rng.normal(size=(len(lengths), length, TAGS)), tf.float32)
    transitions = tf.Variable(rng.normal(size=(TAGS, TAGS)), dtype=tf.float32)
    return inputs, tf.constant(lengths, tf.int32), transitions


BATCHES = [(1, [1, 1, 0]), (1, [1]), (6, [6, 3, 1, 0]), (2, [2, 2])]


@pytest.mark.parametrize("length,lengths", BATCHES)
def test_log_norm_values_and_gradients_are_rasas(length, lengths):
    inputs, sequence_lengths, transitions = _batch(length, lengths, seed=length * 10 + len(lengths))

    def value_and_gradients(log_norm):
        @tf.function
        def run(inputs):
            with tf.GradientTape() as tape:
                tape.watch(inputs)
                value = log_norm(inputs, sequence_lengths, transitions)
                total = tf.reduce_sum(value * tf.range(1.0, len(lengths) + 1.0))
            return (value,) + tuple(tape.gradient(total, [inputs, transitions]))
        return [t.numpy() for t in run(inputs)]

    ours = value_and_gradients(crf_log_norm_without_cond)
    rasas = value_and_gradients(RASAS["crf_log_norm"])
    for mine, theirs in zip(ours, rasas):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-6)
    assert ours[0][np.array(lengths) == 0].tolist() == [0.0] * lengths.count(0)


@pytest.mark.parametrize("length,lengths", BATCHES)
def test_decoded_tags_and_confidences_are_rasas_and_not_on_the_tape(length, lengths):
    from rasa.utils.tensorflow.layers import CRF

    logits, sequence_lengths, _ = _batch(length, lengths, seed=length + 100)
    layer = CRF(TAGS, reg_lambda=0.001, scale_loss=False)
    layer.build(logits.shape)
    layer.transition_params.assign(tf.random.stateless_normal((TAGS, TAGS), seed=(1, length)))

    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logits)
        ours = crf_decode_outside_tape(layer, logits, sequence_lengths)
        rasas = RASAS["CRF.call"](layer, logits, sequence_lengths)
    assert ours[0].numpy().tolist() == rasas[0].numpy().tolist()
    np.testing.assert_allclose(ours[1].numpy(), rasas[1].numpy(), rtol=1e-6)
    # Rasa's decode was recorded (a gradient reaches the logits), ours not
    assert tape.gradient(rasas[1], logits) is not None
    assert tape.gradient(ours[1], logits) is None
    assert tape.gradient(ours[1], layer.transition_params) is None


def _feature_array(examples, dimensions):
    from rasa.utils.tensorflow.model_data import FeatureArray

    array = np.empty(len(examples), dtype=object)
    array[:] = examples
    return FeatureArray(array, number_of_dimensions=dimensions)


def _sequences(lengths, units, seed, sparse=None, dtype=np.float32):
    """One (length x units) matrix per example; sparse ones in `sparse` format, with about
    one value in eight set (as a count-vectors featurizer's)."""
    rng = np.random.default_rng(seed)
    examples = []
    for length in lengths:
        values = rng.normal(size=(length, units)).astype(dtype)
        if sparse:
            values[rng.random(values.shape) > 0.125] = 0
            examples.append(scipy.sparse.coo_matrix(values).asformat(sparse))
        else:
            examples.append(values)
    return _feature_array(examples, 3)


def _assert_same_arrays(ours, rasas):
    assert len(ours) == len(rasas)
    for mine, theirs in zip(ours, rasas):
        # as plain arrays: numpy's comparisons fail on Rasa's FeatureArray
        mine, theirs = np.asarray(mine).view(np.ndarray), np.asarray(theirs).view(np.ndarray)
        assert (mine.dtype, mine.shape) == (theirs.dtype, theirs.shape)
        np.testing.assert_array_equal(mine, theirs)


LENGTHS = [[5, 1, 3, 0, 7], [1], [4, 4], [0, 2]]


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_padded_token_vectors_are_rasas(lengths, dtype):
    batch = _sequences(lengths, units=6, seed=sum(lengths), dtype=dtype)
    padded = pad_dense_sequences(batch)
    _assert_same_arrays([padded], [RASAS["_pad_dense_data"](batch)])
    assert padded.shape == (len(lengths), max(lengths), 6) and padded.dtype == np.float32
    assert not np.any(padded[0, lengths[0]:])  # zeros after an example's last token


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("sparse", ["coo", "csr"])
def test_sparse_batch_values_are_rasas(lengths, sparse):
    batch = _sequences(lengths, units=40, seed=len(lengths), sparse=sparse, dtype=np.float64)
    indices, values, shape = sparse_batch_values(batch)
    _assert_same_arrays([indices, values, shape], RASAS["_scipy_matrix_to_values"](batch))
    # the batch as a dense array is the examples, each padded to the longest
    dense = np.zeros(shape)
    dense[tuple(indices.T)] = values
    for example, matrix in zip(dense, batch):
        np.testing.assert_array_equal(example[:matrix.shape[0]],
                                      matrix.toarray().astype(np.float32))


def test_sentences_and_labels_are_rasas():
    sentences = _feature_array([np.arange(3.0).reshape(1, 3) + i for i in range(4)], 3)
    label_ids = _feature_array([np.array([i]) for i in range(4)], 2)
    _assert_same_arrays([pad_dense_sequences(sentences)],
                        [RASAS["_pad_dense_data"](sentences)])
    _assert_same_arrays([pad_dense_sequences(label_ids)], [RASAS["_pad_dense_data"](label_ids)])


def test_the_patch_is_what_rasa_calls():
    from rasa.utils.tensorflow import crf, layers
    from rasa.utils.tensorflow.data_generator import RasaDataGenerator

    assert layers.CRF.call is crf_decode_outside_tape
    assert crf.crf_log_norm is crf_log_norm_without_cond
    assert RasaDataGenerator._pad_dense_data is pad_dense_sequences
    assert RasaDataGenerator._scipy_matrix_to_values is sparse_batch_values
