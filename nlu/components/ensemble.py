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

from typing import Any, ClassVar

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
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

from .configured import ConfiguredComponent
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
class RememberIntentRanking(ConfiguredComponent, IntentClassifier):
    """Keeps the ranking of the classifier just before it, for IntentEnsemble."""

    requires = (IntentClassifier,)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            remembered = list(message.get(REMEMBERED_KEY) or [])
            remembered.append(_ranking(message))
            message.set(REMEMBERED_KEY, remembered)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentEnsemble(ConfiguredComponent, IntentClassifier):
    """Averages the remembered rankings with the current classifier's ranking."""

    requires = (RememberIntentRanking,)
    # weights in pipeline order: the remembered classifiers first, the last classifier last
    defaults: ClassVar[dict[str, Any]] = {"weights": [], "ranking_length": 10}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        weights = config.get("weights") or []
        if not all(isinstance(w, int | float) and w >= 0 for w in weights):
            raise InvalidConfigException("IntentEnsemble: `weights` must be numbers >= 0")

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
