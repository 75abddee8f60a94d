"""Checks of the NLU training data (nlu/intents/) and of the dev set (tests/nlu/dev.yml).

Pure file checks in the application environment (no Rasa): sizes, teen share, no example with
two labels, and no dev example in the training data — the dev set must measure phrasing the
model was not trained on (new training lines were also screened for NEAR copies of dev lines
when they were written; see docs/nlu.md).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from nlu.components.distress import bare
from nlu.components.normalise import normalise
from tests.nlu_examples import DEV, TRAINING

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "start_training", "list_scenarios",
    "answer_true", "answer_false", "answer_unsure", "ask_hint", "repeat", "skip", "stop",
    "show_progress", "ask_bot_identity", "ask_privacy", "forget_me", "insult", "distress",
    "out_of_scope",
}  # fmt: skip
BIG_INTENTS = {"distress", "answer_true", "answer_false", "answer_unsure"}


DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def _teen(text: str) -> bool:
    """Teen style, roughly: no capital to start, or SMS forms the normaliser expands."""
    return not text[:1].isupper() or bare(text) != " ".join(
        re.sub(r"[^0-9a-z]+", " ", text.lower()).split()
    )


def test_every_contract_intent_has_enough_examples() -> None:
    counts = Counter(intent for intent, _ in TRAINING)
    for intent in CONTRACT_INTENTS:
        assert counts[intent] >= (80 if intent in BIG_INTENTS else 40), intent


def test_about_half_of_each_intent_is_teen_style() -> None:
    by_intent = defaultdict(list)
    for intent, text in TRAINING:
        by_intent[intent].append(_teen(text))
    for intent, flags in by_intent.items():
        assert sum(flags) / len(flags) >= 0.4, intent


def test_intents_are_in_the_domain() -> None:
    declared = set(DOMAIN["intents"])
    assert {intent for intent, _ in TRAINING} <= declared
    assert {intent for intent, _ in DEV} <= declared


def test_no_example_has_two_labels() -> None:
    labels = defaultdict(set)
    for intent, text in TRAINING:
        labels[normalise(text)].add(intent)
    assert {t: i for t, i in labels.items() if len(i) > 1} == {}


def test_dev_set_is_not_in_the_training_data() -> None:
    train = {normalise(text) for _, text in TRAINING}
    assert [text for _, text in DEV if normalise(text) in train] == []


@pytest.mark.parametrize("intent", sorted(CONTRACT_INTENTS | {"choose_option", "describe_check"}))
def test_dev_set_has_at_least_15_examples_per_intent(intent: str) -> None:
    assert sum(1 for i, _ in DEV if i == intent) >= 15
