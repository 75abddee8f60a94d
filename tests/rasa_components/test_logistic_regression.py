"""VisibleTextLogisticRegression: a message with nothing visible is skipped, not a crash.

Runs in .venv-rasa (stdlib unittest); trains a three-column regression in a temporary
directory, never the project's model.
"""

from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import coo_matrix

from nlu.components.logistic_regression import VisibleTextLogisticRegression


def featurised(text: str, row: list[float], intent: str | None = None) -> Message:
    message = Message(data={"text": text, **({"intent": intent} if intent else {})})
    matrix = coo_matrix(np.array([row], dtype=float))
    message.add_features(Features(matrix, "sentence", "text", "test"))
    return message


class SkipTest(unittest.TestCase):
    def setUp(self) -> None:
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        storage = LocalModelStorage(Path(self.directory.name))
        context = ExecutionContext(GraphSchema({}), node_name="lr")
        self.classifier = VisibleTextLogisticRegression.create(
            {"ranking_length": 0}, storage, Resource("lr"), context
        )
        examples = [
            featurised("oui", [1, 0, 0], "affirm"),
            featurised("ouais", [1, 0, 1], "affirm"),
            featurised("non", [0, 1, 0], "deny"),
            featurised("nan", [0, 1, 1], "deny"),
        ]
        self.classifier.train(TrainingData(training_examples=examples))

    def test_a_blank_message_is_left_without_an_intent(self) -> None:
        # Rasa strips "\x1e": the regex featurizer then adds no column, the row is one short.
        blank = featurised("\x1e", [0, 0])
        readable = featurised("oui", [1, 0, 0])
        self.classifier.process([blank, readable])
        self.assertIsNone(blank.get("intent"))
        self.assertEqual(readable.get("intent")["name"], "affirm")

    def test_the_short_row_would_fail_rasa_s_own_classifier(self) -> None:
        """What the skip prevents: Rasa's process raises on the batch above."""
        parent = super(VisibleTextLogisticRegression, self.classifier)
        with self.assertRaises(ValueError):
            parent.process([featurised("\x1e", [0, 0]), featurised("oui", [1, 0, 0])])

    def test_a_batch_of_blank_messages_only_is_returned_untouched(self) -> None:
        blanks = [featurised(" ", [0, 0]), featurised("\u200b\u2800", [])]
        self.assertIs(self.classifier.process(blanks), blanks)
        self.assertTrue(all(m.get("intent") is None for m in blanks))


if __name__ == "__main__":
    unittest.main()
