"""Rasa 3.6 dense featurizer: spaCy word vectors looked up for the teen-normalised tokens.

Rasa's own SpacyFeaturizer needs SpacyNLP + SpacyTokenizer, which would bypass the teen-speak
tokenizer (its tokens are the normalised words: "jsp" → "je", "sais", "pas"). This component
keeps TeenWhitespaceTokenizer and only reads the static vectors table of a spaCy model (no
spaCy pipeline runs: loading is a few seconds and a parse costs one dictionary lookup per
token). A token is looked up as normalised ("verite"), then as the learner typed it
("vérité"); unknown words get a zero vector. Sentence feature: mean of the non-zero vectors.

The spaCy model is a Python package of the Rasa environment (requirements/rasa.lock); it is
not stored in the Rasa model, so it must be installed where the server runs.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import MEAN_POOLING, POOLING

from .configured import ConfiguredComponent

log = logging.getLogger(__name__)
MODEL_KEY = "model"
# Everything but the vocabulary and its vectors is excluded when the spaCy model loads.
_EXCLUDED_PIPES = [
    "tok2vec",
    "morphologizer",
    "parser",
    "senter",
    "attribute_ruler",
    "lemmatizer",
    "ner",
    "tagger",
    "trainable_lemmatizer",
]


@cache
def _vectors(model: str) -> Any:
    """The spaCy Vocab of `model` (loaded once per process)."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=_EXCLUDED_PIPES)
    except OSError as error:
        raise InvalidConfigException(
            f"The spaCy model '{model}' is not installed in the Rasa environment "
            f"(it is in requirements/rasa.lock): {error}"
        ) from error
    if nlp.vocab.vectors_length == 0:
        raise InvalidConfigException(f"The spaCy model '{model}' has no word vectors.")
    return nlp.vocab


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class TeenWordVectorFeaturizer(DenseFeaturizer, ConfiguredComponent):
    """Adds spaCy static word vectors for the tokens of TeenWhitespaceTokenizer."""

    requires = (Tokenizer,)

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            MODEL_KEY: "fr_core_news_md",
            POOLING: MEAN_POOLING,
        }

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.vocab = _vectors(self._config[MODEL_KEY])
        self.dimension = int(self.vocab.vectors_length)

    @classmethod
    def from_config(cls, config: dict[str, Any], name: str) -> TeenWordVectorFeaturizer:
        return cls(config, name)  # the featurizer validates its config itself

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not isinstance(config.get(MODEL_KEY), str):
            raise InvalidConfigException("TeenWordVectorFeaturizer: `model` must be a name")

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the spaCy model's version changes, not only its name."""
        try:
            from importlib.metadata import version

            installed = version(str(config.get(MODEL_KEY, "")).replace("_", "-"))
        except Exception:  # unknown package: the name alone is the key
            installed = "?"
        return hashlib.sha256(f"{config.get(MODEL_KEY)}=={installed}".encode()).hexdigest()

    def _vector(self, word: str) -> np.ndarray | None:
        if word and self.vocab.has_vector(word):
            return np.asarray(self.vocab.get_vector(word), dtype=np.float32)
        return None

    def _sequence(self, message: Message, attribute: str) -> np.ndarray | None:
        tokens = message.get(TOKENS_NAMES[attribute])
        text = message.get(attribute)
        if not tokens or not isinstance(text, str):
            return None
        rows = []
        for token in tokens:
            vector = self._vector(token.text)
            if vector is None:
                typed = text[token.start : token.end].lower()
                if typed != token.text and " " not in typed:
                    vector = self._vector(typed)
            rows.append(vector if vector is not None else np.zeros(self.dimension, np.float32))
        return np.stack(rows)

    def _set_features(self, message: Message, attribute: str) -> None:
        sequence = self._sequence(message, attribute)
        if sequence is None:
            return
        sentence = self.aggregate_sequence_features(sequence, self._config[POOLING])
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, attribute, alias))
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, attribute, alias))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._set_features(message, TEXT)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
