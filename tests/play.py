"""Plays scenarios as a learner would, from the scenario data: right or wrong answers.

Test helper only; it knows the catalogue, never the engine's internals.
"""

from __future__ import annotations

from collections.abc import Iterator

from actions.engine import choice_payload as choose
from actions.engine import option_payload
from scenarios.schema import ChoiceStep, OpenStep, Scenario, ShareStep, VerdictStep


def right_answers(scenario: Scenario) -> Iterator[tuple[str, list[str]]]:
    """For each step: the messages a learner sends to get full marks."""
    for step in scenario.steps:
        if isinstance(step, VerdictStep):
            yield step.id, [choose(scenario.item.verdict), choose("4")]
        elif isinstance(step, ChoiceStep):
            yield step.id, [option_payload(next(o.id for o in step.options if o.correct))]
        elif isinstance(step, ShareStep):
            yield step.id, [choose(next(o.choice for o in step.options if o.good))]
        elif isinstance(step, OpenStep):
            yield step.id, [step.model_answer.fr]


def scores(replies: list[dict]) -> list[dict]:
    return [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == "score"]


def texts(replies: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in replies)
