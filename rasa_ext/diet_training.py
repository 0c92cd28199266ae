"""DIET's first training step traced in half the time, the trained weights unchanged.

Training DIET on our data (2 cores) spent about 28 s before its first step ran, building
the training graph of the entity CRF, in two places where TensorFlow builds gradient
functions nothing needs:

- `CRF.call` Viterbi-decodes the tags for the entity F1 shown while training; the decode
  ran under the gradient tape, so TensorFlow built the forward and backward functions of
  its `tf.cond` and RNN (12 s), although tags are integers and only feed the metric.
  We decode on `tf.stop_gradient` of the logits and transitions: the same tags and
  confidences, nothing recorded.
- `crf_log_norm` chose between a one-token and a many-token forward pass with `tf.cond`;
  the gradient of a `cond` around a `scan` is traced twice over (5 s). The many-token pass
  gives the one-token result by itself (the scan runs zero times and the first token's
  potentials are the alphas), so we call it directly.

Measured on the shipped config (2 cores): DIET's first epoch 31.5 s -> 14-15.5 s, the
later epochs unchanged (2.9-4.1 s each, as noisy as this machine), and the saved DIET
weights byte for byte those of Rasa's own training.
tests/rasa_ext/test_diet_training.py checks both functions against Rasa's on batches of
one and several tokens, values and gradients. Installed by rasa_ext/patches.py, on the
pinned Rasa only.
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

#: Rasa's own functions, kept when the patch is installed (the tests compare against them)
RASAS: Dict[str, Any] = {}


def crf_decode_outside_tape(self: Any, logits: Any, sequence_lengths: Any) -> Tuple[Any, Any]:
    """`rasa.utils.tensorflow.layers.CRF.call` with the decode kept off the gradient tape."""
    import tensorflow as tf
    from rasa.utils.tensorflow import crf

    predicted_ids, scores, _ = crf.crf_decode(
        tf.stop_gradient(logits), tf.stop_gradient(self.transition_params), sequence_lengths)
    # as Rasa's: padding predicts tag 0 with confidence 0
    mask = tf.sequence_mask(sequence_lengths, maxlen=tf.shape(predicted_ids)[1],
                            dtype=predicted_ids.dtype)
    return predicted_ids * mask, scores * tf.cast(mask, tf.float32)


def crf_log_norm_without_cond(inputs: Any, sequence_lengths: Any, transition_params: Any) -> Any:
    """`rasa.utils.tensorflow.crf.crf_log_norm` without its `tf.cond` on the length."""
    import tensorflow as tf
    from rasa.utils.tensorflow import crf

    sequence_lengths = tf.cast(sequence_lengths, dtype=tf.int32)
    first_input = tf.squeeze(tf.slice(inputs, [0, 0, 0], [-1, 1, -1]), [1])
    rest_of_input = tf.slice(inputs, [0, 1, 0], [-1, -1, -1])
    alphas = crf.crf_forward(rest_of_input, first_input, transition_params, sequence_lengths)
    log_norm = tf.reduce_logsumexp(alphas, [1])
    # sequences of length 0 have a normaliser of 0, as in Rasa's
    return tf.where(tf.less_equal(sequence_lengths, 0), tf.zeros_like(log_norm), log_norm)


def install_fast_diet_training() -> None:
    from rasa.utils.tensorflow import crf, layers

    RASAS.setdefault("CRF.call", layers.CRF.call)
    RASAS.setdefault("crf_log_norm", crf.crf_log_norm)
    layers.CRF.call = crf_decode_outside_tape
    crf.crf_log_norm = crf_log_norm_without_cond
