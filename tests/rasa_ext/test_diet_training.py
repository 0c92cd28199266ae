"""rasa_ext/diet_training.py computes what Rasa's CRF computes, values and gradients, on
batches of one token and of several (with padding and empty sequences), and keeps the
decode for the training metric off the gradient tape (what makes tracing quicker)."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from rasa_ext import patches
from rasa_ext.diet_training import RASAS, crf_decode_outside_tape, crf_log_norm_without_cond

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


def test_the_patch_is_what_rasa_calls():
    from rasa.utils.tensorflow import crf, layers

    assert layers.CRF.call is crf_decode_outside_tape
    assert crf.crf_log_norm is crf_log_norm_without_cond
