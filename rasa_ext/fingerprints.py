"""Training messages fingerprinted in one pass each, over the same content as Rasa's.

After every component of the training graph Rasa fingerprints its output, to find it
again in its cache (`.rasa/cache`) when nothing that made it has changed: each of our
5,500 training messages, seven times. Its way of doing it took about 12 s of a 2-minute
training on 2 cores: every field of every token hashed on its own (ten MD5s and two JSON
encodings a token), every non-zero of a sparse feature matrix formatted as a line of
text, a dense matrix's bytes written out as their Python `repr`.

Ours encode a token, a message, the numbers of a feature matrix once and hash that:
the same fields, dictionaries in key order as Rasa's are, anything JSON cannot write
(a token, a feature matrix, another object) by its own fingerprint or, as in Rasa's, its
`str()`; a message JSON cannot encode at all (keys of mixed types) gets Rasa's own
fingerprint. Different content still gives a different fingerprint, equal content the
same one in any process (tests/rasa_ext/test_fingerprints.py); what changes is only the
value, so a cache filled before this patch is trained again once.
Installed by rasa_ext/patches.py, on the pinned Rasa only.
"""
from __future__ import annotations

import json
from hashlib import md5
from typing import Any, Dict

import numpy as np

#: Rasa's own methods, kept when the patch is installed (the fallback, and the tests)
RASAS: Dict[str, Any] = {}


def _by_fingerprint(obj: Any) -> str:
    """What a value JSON cannot write stands for in the encoding, as in Rasa's
    `deep_container_fingerprint`: its fingerprint if it has one, else its text."""
    fingerprint = getattr(obj, "fingerprint", None)
    return fingerprint() if callable(fingerprint) else str(obj)


def _hash(content: Any) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=_by_fingerprint)
    return md5(text.encode("utf-8")).hexdigest()  # nosec: a cache key, not a secret


def token_fingerprint(self: Any) -> str:
    """`Token.fingerprint`: its text, offsets, lemma and data."""
    try:
        return _hash([self.text, self.start, self.end, self.lemma, self.data])
    except (TypeError, ValueError):  # keys JSON cannot sort, circular data: Rasa's
        return RASAS["Token.fingerprint"](self)


def message_fingerprint(self: Any) -> str:
    """`Message.fingerprint`: its data and its features, kept until the message changes."""
    if self._cached_fingerprint is None:
        try:
            self._cached_fingerprint = _hash([self.data, self.features])
        except (TypeError, ValueError):
            self._cached_fingerprint = RASAS["Message.fingerprint"](self)
    return self._cached_fingerprint


def features_fingerprint(self: Any) -> str:
    """`Features.fingerprint`: its kind, origin, attribute and numbers (values, their type,
    the matrix's shape and, if sparse, where each value is)."""
    if self._cached_fingerprint is None:
        numbers = md5()  # nosec: a cache key
        matrix = self.features
        if self.is_dense():
            arrays = [np.ascontiguousarray(matrix)]
        else:
            matrix = matrix.tocoo()
            arrays = [matrix.row, matrix.col, matrix.data]
        numbers.update(f"{matrix.shape} {matrix.dtype}".encode())
        for array in arrays:
            numbers.update(np.ascontiguousarray(array).tobytes())
        self._cached_fingerprint = _hash(
            [self.type, self.origin, self.attribute, numbers.hexdigest()])
    return self._cached_fingerprint


def install_fast_fingerprints() -> None:
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    RASAS.setdefault("Token.fingerprint", Token.fingerprint)
    RASAS.setdefault("Message.fingerprint", Message.fingerprint)
    RASAS.setdefault("Features.fingerprint", Features.fingerprint)
    Token.fingerprint = token_fingerprint
    Message.fingerprint = message_fingerprint
    Features.fingerprint = features_fingerprint
