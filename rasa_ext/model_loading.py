"""Loading the trained model in half the time and with 650 MB less memory.

Measured on the shipped model (2 cores), Rasa 3.6's own loading took 34 s and left the
process at 1.49 GB, for two reasons:

- `RasaModel.load` builds DIET's weights by *training one step* on one example before it
  reads the saved weights over them. Tracing that training step (the entity CRF's
  gradient above all) took 31 s and kept 555 MB of graph alive for the life of the
  server, although the server never trains.
- `SpacyNLP.create` runs once for the node that provides the spaCy model and once for
  the node that processes messages with it; the second copy (100 MB, 1.2 s) is never
  used (`SpacyNLP.process` is handed the first one).

`install_fast_model_loading` makes DIET build its weights by one *eager* prediction (no
graph traced), read the saved weights, then trace the prediction graph exactly as Rasa
does; and shares one spaCy pipeline per directory (and modification time) in a process.
Predictions are the same (tests/rasa_ext/test_model_loading.py compares both loadings
on the development set). If the saved weights do not match the prediction layers, the
load falls back to Rasa's own, with a warning. Installed by rasa_ext/patches.py, on the
pinned Rasa only.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, Optional, Text, Tuple

logger = logging.getLogger(__name__)

_spacy_models: Dict[Tuple[str, float], Any] = {}


def _spacy_key(name: str) -> Tuple[str, float]:
    """The model's name or directory, and when its directory last changed (a rebuilt
    pipeline loaded into the same process by a new model is loaded again)."""
    meta = os.path.join(name, "meta.json")
    return name, os.path.getmtime(meta) if os.path.isfile(meta) else 0.0


def _load_diet_for_prediction(cls: Any, model_file_name: Text, predict_data_example: Any,
                              *args: Any, **kwargs: Any) -> Any:
    """DIET ready to predict, built without tracing a training step; None when its saved
    weights do not cover what prediction builds (the caller then loads as Rasa does)."""
    import tensorflow as tf

    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get("learning_rate", 0.001)),
                  run_eagerly=config.get("run_eagerly"))
    # One eager prediction creates every variable prediction uses, tracing nothing.
    eager = model._run_eagerly
    model._run_eagerly = True
    try:
        model.run_inference(predict_data_example)
    finally:
        model._run_eagerly = eager
    status = model.load_weights(model_file_name)
    try:
        status.assert_existing_objects_matched()
    except AssertionError as exc:
        logger.warning("Loading %s the quick way left weights unset (%s); loading it as "
                       "Rasa does.", model_file_name, str(exc).splitlines()[0])
        return None
    # The optimizer's slots and the training-only loss layers were never built.
    status.expect_partial()
    # The eager prediction kept label embeddings of the untrained weights: drop them, then
    # trace the prediction graph as Rasa's load does (the first prediction is not slow).
    model.prepared_for_prediction = False
    model.all_labels_embed = None
    model.run_inference(predict_data_example)
    return model


def install_fast_model_loading() -> None:
    from rasa.nlu.classifiers.diet_classifier import DIET
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    rasa_load = DIET.load.__func__  # a classmethod: the function, to call with DIET or a subclass

    def load(cls: Any, model_file_name: Text, model_data_example: Any,
             predict_data_example: Optional[Any] = None, finetune_mode: bool = False,
             *args: Any, **kwargs: Any) -> Any:
        if not finetune_mode and predict_data_example is not None:
            model = _load_diet_for_prediction(cls, model_file_name, predict_data_example,
                                              *args, **kwargs)
            if model is not None:
                return model
        return rasa_load(cls, model_file_name, model_data_example, predict_data_example,
                         finetune_mode, *args, **kwargs)

    rasa_load_spacy = SpacyNLP.load_model

    def load_spacy_model(spacy_model_name: Text) -> Any:
        key = _spacy_key(spacy_model_name)
        if key not in _spacy_models:
            _spacy_models.clear()  # one pipeline at a time: a new one replaces the old
            _spacy_models[key] = rasa_load_spacy(spacy_model_name)
        return _spacy_models[key]

    DIET.load = classmethod(load)
    SpacyNLP.load_model = staticmethod(load_spacy_model)
