"""Rasa's logistic regression, asked only about messages that have something visible in them.

Rasa strips a message before its pipeline, so one made of separators or control characters
(U+001E…) arrives empty; the RegexFeaturizer then adds no column for it, the feature row is one
column short and scikit-learn raises, failing the whole turn (a 503 found by `make fuzz`).
Such a message has no words to classify: it is left to IntentEnsemble, which answers it with
the fallback.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from .normalise import is_blank


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class VisibleTextLogisticRegression(LogisticRegressionClassifier):
    """LogisticRegressionClassifier that skips messages with nothing visible."""

    def process(self, messages: list[Message]) -> list[Message]:
        readable = [m for m in messages if not is_blank(str(m.get(TEXT) or ""))]
        if readable:
            super().process(readable)
        return messages
