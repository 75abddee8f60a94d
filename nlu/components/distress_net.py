"""Rasa 3.6 graph component: the distress safety net, placed after every classifier.

When the message matches a pattern of nlu/distress_patterns.yml (see distress.py, the pure
matcher), the intent becomes `distress` with confidence 1.0, whatever DIET or the
FallbackClassifier decided; the intent ranking is kept as the classifiers produced it, and
`distress_safety_net` (pattern id and the classifier's own intent, never any text) is added to
the parse result so that an override is visible in `/model/parse` and in the tracker.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, ClassVar

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from .configured import ConfiguredComponent
from .distress import DATA_PATH, match
from .normalise import DATA_PATH as TEEN_SPEAK_PATH

DISTRESS_INTENT = "distress"
OVERRIDE_KEY = "distress_safety_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DistressSafetyNet(ConfiguredComponent, IntentClassifier):
    """Forces `distress` (confidence 1.0) when a curated distress pattern matches."""

    requires = (IntentClassifier,)
    defaults: ClassVar[dict[str, Any]] = {"intent": DISTRESS_INTENT}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Rebuild when the patterns, the matcher or the normalisation change."""
        digest = hashlib.sha256()
        here = Path(__file__).resolve().parent
        for path in (DATA_PATH, TEEN_SPEAK_PATH, here / "distress.py", here / "normalise.py"):
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(str(path).encode())
        return digest.hexdigest()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        intent_name = self.component_config.get("intent", DISTRESS_INTENT)
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            found = match(text)
            if found is None:
                continue
            previous = message.get(INTENT) or {}
            message.set(
                INTENT,
                {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0},
                add_to_output=True,
            )
            message.set(
                OVERRIDE_KEY,
                {
                    "pattern": found.pattern_id,
                    "classifier_intent": previous.get(INTENT_NAME_KEY),
                    "classifier_confidence": previous.get(PREDICTED_CONFIDENCE_KEY),
                },
                add_to_output=True,
            )
        return messages
