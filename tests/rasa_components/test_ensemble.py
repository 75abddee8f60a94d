"""IntentEnsemble and its pure `combine`: the averaged ranking the FallbackClassifier reads.

Runs in .venv-rasa (stdlib unittest); builds messages in memory, never trains a model.
"""

from __future__ import annotations

import unittest

from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message

from nlu.components.ensemble import (
    REMEMBERED_KEY,
    IntentEnsemble,
    RememberIntentRanking,
    combine,
)


def ranking(**confidences: float) -> list[dict[str, object]]:
    return [{"name": name, "confidence": c} for name, c in confidences.items()]


def classified(text: str, **confidences: float) -> Message:
    """A message as a classifier leaves it: `intent` is the top of `intent_ranking`."""
    message = Message(data={"text": text})
    entries = ranking(**confidences)
    message.set("intent", max(entries, key=lambda e: e["confidence"]))
    message.set("intent_ranking", entries)
    return message


class CombineTest(unittest.TestCase):
    def test_weighted_mean_sorted_by_confidence(self) -> None:
        combined = combine([ranking(greet=0.8, deny=0.2), ranking(greet=0.4, deny=0.6)], [1.0, 1.0])
        self.assertEqual([e["name"] for e in combined], ["greet", "deny"])
        self.assertAlmostEqual(combined[0]["confidence"], 0.6)
        self.assertAlmostEqual(combined[1]["confidence"], 0.4)

    def test_weights_shift_the_winner(self) -> None:
        rankings = [ranking(greet=0.8, deny=0.2), ranking(greet=0.4, deny=0.6)]
        combined = combine(rankings, [1.0, 4.0])
        self.assertEqual(combined[0]["name"], "deny")
        self.assertAlmostEqual(combined[0]["confidence"], (0.2 + 4 * 0.6) / 5)

    def test_an_intent_missing_from_a_ranking_counts_zero(self) -> None:
        combined = combine([ranking(greet=1.0), ranking(deny=1.0, greet=0.0)], [1.0, 1.0])
        self.assertEqual(
            {e["name"]: e["confidence"] for e in combined}, {"greet": 0.5, "deny": 0.5}
        )

    def test_ties_are_ordered_by_name(self) -> None:
        combined = combine([ranking(zebra=0.5, alpha=0.5)], [1.0])
        self.assertEqual([e["name"] for e in combined], ["alpha", "zebra"])

    def test_zero_weights_do_not_divide_by_zero(self) -> None:
        combined = combine([ranking(greet=0.7)], [0.0])
        self.assertEqual(combined, [{"name": "greet", "confidence": 0.0}])

    def test_rankings_and_weights_must_pair_up(self) -> None:
        with self.assertRaises(ValueError):
            combine([ranking(greet=1.0)], [1.0, 1.0])


class EnsembleProcessTest(unittest.TestCase):
    def setUp(self) -> None:
        self.remember = RememberIntentRanking()
        self.ensemble = IntentEnsemble({"weights": [1, 1], "ranking_length": 10})

    def test_averages_the_remembered_ranking_with_the_last_one(self) -> None:
        message = classified("c vrai", answer_true=0.9, answer_false=0.1)  # DIET
        self.remember.process([message])
        message.set("intent", {"name": "answer_false", "confidence": 0.7})  # the regression
        message.set("intent_ranking", ranking(answer_false=0.7, answer_true=0.3))
        self.ensemble.process([message])
        self.assertEqual(message.get("intent")["name"], "answer_true")
        self.assertAlmostEqual(message.get("intent")["confidence"], 0.6)
        self.assertEqual(len(message.get("intent_ranking")), 2)
        self.assertIsNone(message.get(REMEMBERED_KEY))  # nothing private left in the output

    def test_cuts_the_ranking_to_its_length(self) -> None:
        ensemble = IntentEnsemble({"weights": [], "ranking_length": 2})
        message = classified("x", a=0.4, b=0.3, c=0.2, d=0.1)
        ensemble.process([message])
        self.assertEqual([e["name"] for e in message.get("intent_ranking")], ["a", "b"])

    def test_a_message_with_nothing_visible_gets_no_intent(self) -> None:
        message = classified("\u200b\u3164 ", greet=0.9)
        self.remember.process([message])
        self.ensemble.process([message])
        self.assertEqual(message.get("intent"), {"name": None, "confidence": 0.0})
        self.assertEqual(message.get("intent_ranking"), [])
        self.assertIsNone(message.get(REMEMBERED_KEY))

    def test_negative_weights_are_refused(self) -> None:
        with self.assertRaises(InvalidConfigException):
            IntentEnsemble.validate_config({"weights": [1, -1]})


if __name__ == "__main__":
    unittest.main()
