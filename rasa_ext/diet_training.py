"""DIET trained sooner on the same batches, to the same weights.

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

Every batch of every epoch is also put together in Python, on the CPU the training needs
(`RasaDataGenerator`): a zero-padded copy per example of the dense token vectors, then a
second copy to float32 even when they already are; three small arrays stacked per example
of each sparse matrix. Ours fill the padded array in one masked assignment, skip the
second copy, and concatenate the sparse matrices' rows, columns and values once per batch:
the same arrays, equal in dtype, shape and every value, in about half the time (15.9 s
of a training before, 8.5-10.5 s after; in isolation 0.5-1.0 s an epoch -> 0.2-0.3 s).

tests/rasa_ext/test_diet_training.py checks each function against Rasa's: the CRF's values
and gradients on batches of one and several tokens, and the batches on sparse and dense
features of uneven lengths. Installed by rasa_ext/patches.py, on the pinned Rasa only.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import numpy as np

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


def pad_dense_sequences(array_of_dense: Any) -> np.ndarray:
    """`RasaDataGenerator._pad_dense_data`: the examples' token vectors, zero-padded to the
    longest, as one float32 array (dialogue data of 4 dimensions and sentences go to
    Rasa's, which copies nothing per example for them)."""
    if array_of_dense.number_of_dimensions == 4 or array_of_dense[0].ndim < 2:
        return RASAS["_pad_dense_data"](array_of_dense)
    first = array_of_dense[0]
    lengths = np.fromiter((x.shape[0] for x in array_of_dense), np.int64, len(array_of_dense))
    padded = np.zeros((len(array_of_dense), lengths.max(), first.shape[-1]), first.dtype)
    # row by row, example by example: the order the examples' rows are concatenated in
    padded[np.arange(padded.shape[1]) < lengths[:, None]] = np.concatenate(list(array_of_dense))
    return padded.astype(np.float32, copy=False)


def sparse_batch_values(array_of_sparse: Any) -> List[np.ndarray]:
    """`RasaDataGenerator._scipy_matrix_to_values`: (example, row, column) indices, values
    and shape of a batch of sparse matrices, for a `tf.SparseTensor`."""
    import scipy.sparse

    if array_of_sparse.number_of_dimensions == 4:
        return RASAS["_scipy_matrix_to_values"](array_of_sparse)
    matrices = [x if isinstance(x, scipy.sparse.coo_matrix) else x.tocoo()
                for x in array_of_sparse]
    counts = np.fromiter((x.nnz for x in matrices), np.int64, len(matrices))
    indices = np.empty((int(counts.sum()), 3), np.int64)
    indices[:, 0] = np.repeat(np.arange(len(matrices)), counts)
    indices[:, 1] = np.concatenate([x.row for x in matrices])
    indices[:, 2] = np.concatenate([x.col for x in matrices])
    values = np.concatenate([x.data for x in matrices]).astype(np.float32)
    shape = np.array((len(matrices), max(x.shape[0] for x in matrices),
                      matrices[0].shape[-1]), np.int64)
    return [indices, values, shape]


def install_fast_diet_training() -> None:
    from rasa.utils.tensorflow import crf, layers
    from rasa.utils.tensorflow.data_generator import RasaDataGenerator

    RASAS.setdefault("CRF.call", layers.CRF.call)
    RASAS.setdefault("crf_log_norm", crf.crf_log_norm)
    RASAS.setdefault("_pad_dense_data", RasaDataGenerator._pad_dense_data)
    RASAS.setdefault("_scipy_matrix_to_values", RasaDataGenerator._scipy_matrix_to_values)
    layers.CRF.call = crf_decode_outside_tape
    crf.crf_log_norm = crf_log_norm_without_cond
    RasaDataGenerator._pad_dense_data = staticmethod(pad_dense_sequences)
    RasaDataGenerator._scipy_matrix_to_values = staticmethod(sparse_batch_values)
