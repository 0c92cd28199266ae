"""MiniLMFeaturizer: all-MiniLM-L6-v2 sentence embeddings as dense features for DIET.

A Rasa 3.6 dense message featurizer, registered with the default recipe like Rasa's own
(SpacyFeaturizer, LanguageModelFeaturizer), that runs bot/sentence_encoder.py (numpy, no
torch). For each message's text it adds

- a sentence feature: the MiniLM sentence embedding (mean-pooled, L2-normalised, 384
  values), exactly what SentenceTransformer("all-MiniLM-L6-v2").encode gives;
- sequence features, one row per token of the pipeline's tokenizer (SpacyTokenizer): the
  model's last-layer vectors of the word pieces that overlap the token, averaged. They come
  from the same forward pass over the whole text, so each token's vector is contextual.
  DIET needs one row per token to combine them with the other featurizers' sequence
  features (and its entity tagger uses them). `sequence_features: false` leaves them out.

The model directory (`python -m bot.sentence_encoder fetch`, `make models/minilm`) comes
from `model_path` in the component's config, else from RECRUITING_MINILM_MODEL; it must be
an absolute path, as Rasa may run from any directory. Usage in config.yml:

    - name: rasa_ext.sentence_featurizer.MiniLMFeaturizer
      model_path: ${RECRUITING_MINILM_MODEL}
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.sentence_encoder import ENV_MODEL_DIR, ModelFilesError, SentenceEncoder, token_vectors

logger = logging.getLogger(__name__)

MODEL_PATH = "model_path"
BATCH_SIZE = "batch_size"
SEQUENCE_FEATURES = "sequence_features"
BLAS_THREADS = "blas_threads"
TRAINING_ALL_CORES = "training_all_cores"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense features from all-MiniLM-L6-v2: the sentence embedding, and per-token vectors."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["safetensors"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # the model directory (absolute); None: the RECRUITING_MINILM_MODEL variable
            MODEL_PATH: None,
            # texts per forward pass while featurizing training data (4,804 training texts
            # on 2 cores: 40 s in batches of 32, 31 s in batches of 8 or 16, one thread)
            BATCH_SIZE: 16,
            # also add one vector per token (needed by DIET's entity tagger)
            SEQUENCE_FEATURES: True,
            # BLAS threads of the forward pass (0: all cores); see SentenceEncoder
            BLAS_THREADS: 1,
            # featurizing the training data is a batch job: all cores (21 s instead of 31)
            TRAINING_ALL_CORES: True,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        cls.model_dir(config)

    @staticmethod
    def model_dir(config: Dict[Text, Any]) -> Path:
        value: Optional[str] = config.get(MODEL_PATH) or os.environ.get(ENV_MODEL_DIR)
        if not value or value.startswith("${"):
            raise InvalidConfigException(
                f"MiniLMFeaturizer needs the model directory: set {MODEL_PATH} or "
                f"{ENV_MODEL_DIR} (the Makefile sets it to models/minilm)")
        path = Path(value)
        if not path.is_absolute():
            raise InvalidConfigException(
                f"MiniLMFeaturizer: {value} must be an absolute path (Rasa may run elsewhere)")
        return path

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        try:
            self.encoder = SentenceEncoder(self.model_dir(config), threads=config.get(BLAS_THREADS, 1) or None)
        except (OSError, ModelFilesError) as exc:
            raise InvalidConfigException(
                f"MiniLMFeaturizer cannot load {self.model_dir(config)}: {exc} "
                f"(make models/minilm/model.safetensors fetches it)") from exc

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        return cls(config, execution_context.node_name)

    def _featurize(self, messages: List[Message], attribute: Text, training: bool = False) -> None:
        messages = [m for m in messages if m.get(attribute)]
        if not messages:
            return
        texts = [m.get(attribute) for m in messages]
        encoded = self.encoder.encode_full(texts, batch_size=self._config[BATCH_SIZE],
                                           all_cores=training and self._config[TRAINING_ALL_CORES])
        for message, result in zip(messages, encoded):
            sequence = None
            if self._config[SEQUENCE_FEATURES]:
                tokens = message.get(TOKENS_NAMES[attribute]) or []
                if tokens:
                    sequence = token_vectors(result, [(t.start, t.end) for t in tokens])
            self.add_features_to_message(
                sequence=sequence,
                sentence=result.sentence[np.newaxis, :],
                attribute=attribute,
                message=message,
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            self._featurize(training_data.training_examples, attribute, training=True)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        # As Rasa's featurizers: at inference only the text and an action's text, the
        # other attributes are labels whose features the classifier keeps.
        for attribute in (TEXT, ACTION_TEXT):
            self._featurize(messages, attribute)
        return messages
