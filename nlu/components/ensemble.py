"""Rasa 3.6 graph components that average the intent rankings of several classifiers.

In a Rasa pipeline every intent classifier overwrites `intent` and `intent_ranking`, so the last
one wins. Vigie uses two classifiers that make different mistakes (measured in docs/nlu.md):
DIET on sparse word/char n-grams (robust to teen spellings) and a logistic regression that also
sees spaCy word vectors (knows synonyms it was never shown). The pipeline is

    DIETClassifier → RememberIntentRanking → LogisticRegressionClassifier → IntentEnsemble

RememberIntentRanking stores DIET's full ranking on the message (not in the parse output);
IntentEnsemble averages the stored rankings with the current one (weights from its config),
and sets `intent` and `intent_ranking` from the average. The averaged confidence is what the
FallbackClassifier after it compares with its threshold.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from .normalise import is_blank

REMEMBERED_KEY = "vigie_remembered_rankings"


def _ranking(message: Message) -> list[dict[str, Any]]:
    ranking = message.get(INTENT_RANKING_KEY) or []
    if not ranking and message.get(INTENT):
        ranking = [message.get(INTENT)]
    return [
        {
            INTENT_NAME_KEY: r[INTENT_NAME_KEY],
            PREDICTED_CONFIDENCE_KEY: float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0),
        }
        for r in ranking
        if r and r.get(INTENT_NAME_KEY)
    ]


def combine(rankings: list[list[dict[str, Any]]], weights: list[float]) -> list[dict[str, Any]]:
    """Weighted mean of the confidences (an intent missing from a ranking counts 0), sorted."""
    total = sum(weights) or 1.0
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for entry in ranking:
            name = entry[INTENT_NAME_KEY]
            scores[name] = scores.get(name, 0.0) + weight * entry[PREDICTED_CONFIDENCE_KEY] / total
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: c} for n, c in ordered]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RememberIntentRanking(GraphComponent, IntentClassifier):
    """Keeps the ranking of the classifier just before it, for IntentEnsemble."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RememberIntentRanking:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            remembered = list(message.get(REMEMBERED_KEY) or [])
            remembered.append(_ranking(message))
            message.set(REMEMBERED_KEY, remembered)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentEnsemble(GraphComponent, IntentClassifier):
    """Averages the remembered rankings with the current classifier's ranking."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [RememberIntentRanking]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # weights in pipeline order: the remembered classifiers first, the last classifier last
        return {"weights": [], "ranking_length": 10}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        weights = config.get("weights") or []
        if not all(isinstance(w, int | float) and w >= 0 for w in weights):
            raise InvalidConfigException("IntentEnsemble: `weights` must be numbers >= 0")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentEnsemble:
        cls.validate_config(config)
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and is_blank(text):
                # nothing visible: no intent at all, so the FallbackClassifier answers
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                    add_to_output=True,
                )
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                message.data.pop(REMEMBERED_KEY, None)
                continue
            rankings = [*(message.get(REMEMBERED_KEY) or []), _ranking(message)]
            rankings = [r for r in rankings if r]
            if not rankings:
                continue
            weights = list(self.component_config.get("weights") or [])
            if len(weights) != len(rankings):
                weights = [1.0] * len(rankings)
            combined = combine(rankings, weights)
            length = int(self.component_config.get("ranking_length") or 0)
            message.set(INTENT, dict(combined[0]), add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                combined[:length] if length > 0 else combined,
                add_to_output=True,
            )
            message.data.pop(REMEMBERED_KEY, None)
        return messages
