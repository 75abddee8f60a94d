"""What a learner reads when playing a scenario with the right answers, bubble by bubble: the
engine's replies with the domain's first wording, for `vigie scenarios stats` and the tests.

Plays the pure engine only (no Rasa, no spaCy, no event leaves); never changes a scenario.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from actions.conversation import Message, State, Turn
from actions.engine import Engine, choice_payload, option_payload
from scenarios.loader import Catalogue
from scenarios.schema import (
    ChoiceStep,
    InvestigateStep,
    OpenStep,
    Scenario,
    ShareStep,
    VerdictStep,
)
from vigie.protocol import ITEM, RESULT, SCORE

DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"
_SLOT = re.compile(r"\{(\w+)\}")
_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")


def right_answers(scenario: Scenario) -> Iterator[tuple[str, list[str]]]:
    """For each step: the messages (button payloads or typed text) that earn full marks."""
    for step in scenario.steps:
        if isinstance(step, VerdictStep):
            yield step.id, [choice_payload(scenario.item.verdict), choice_payload("4")]
        elif isinstance(step, ChoiceStep):
            yield step.id, [option_payload(next(o.id for o in step.options if o.correct))]
        elif isinstance(step, ShareStep):
            yield step.id, [choice_payload(next(o.choice for o in step.options if o.good))]
        elif isinstance(step, OpenStep):
            yield step.id, [step.model_answer.fr]
        elif isinstance(step, InvestigateStep):
            yield step.id, investigation_answers(step)


def investigation_answers(step: InvestigateStep) -> list[str]:
    """Lateral evidence moves until there is enough, then « enough » if the budget is not spent."""
    found = [move.tool for move in step.moves if move.evidence and move.tool.lateral]
    moves = [choice_payload(tool.value) for tool in found[: step.enough]]
    return moves if len(moves) == step.budget else [*moves, choice_payload("enough")]


def turn_for(message: str, number: int) -> Turn:
    """A message as Rasa would pass it: a payload's intent and entities, or typed text."""
    match = _PAYLOAD.match(message)
    if match is None:
        return Turn("describe_check", message, message_id=f"t{number}")
    entities = json.loads(match.group(2)) if match.group(2) else {}
    return Turn(match.group(1), message, entities=entities, message_id=f"t{number}")


@cache
def _responses() -> dict[str, list[dict[str, Any]]]:
    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        responses: dict[str, list[dict[str, Any]]] = yaml.safe_load(handle)["responses"]
    return responses


def wording(response: str, variables: dict[str, Any], plain: bool) -> str:
    """The response's first variation for that mode, its {slots} filled as Rasa fills them."""
    variations = _responses()[response]
    conditional = [v for v in variations if v.get("condition")]
    chosen = (
        conditional if plain and conditional else [v for v in variations if not v.get("condition")]
    )[0]
    return _SLOT.sub(lambda m: str(variables.get(m.group(1), m.group(0))), chosen.get("text", ""))


@dataclass(frozen=True)
class Bubble:
    """One message the learner reads (score payloads and buttons are not bubbles)."""

    text: str
    picture: bool = False


def bubble(message: Message, plain: bool) -> Bubble | None:
    if message.custom and message.custom.get("type") == SCORE:
        return None
    if message.custom and message.custom.get("type") == ITEM:
        # the picture shows the source line and the text (its alt says them too)
        variables = message.variables
        return Bubble(f"{message.custom['caption']}\n{variables['text']}", picture=True)
    if message.custom and message.custom.get("type") == RESULT:
        return Bubble(message.custom["alt"], picture=True)  # a move's card: what it shows
    if message.response:
        return Bubble(wording(message.response, message.variables, plain))
    return Bubble(message.text or "")


def transcript(catalogue: Catalogue, scenario_id: str, plain: bool = False) -> list[Bubble]:
    """Every bubble of one scenario played with the right answers, from the menu choice on."""
    scenario = catalogue.scenarios[scenario_id]
    answers = {
        s.model_answer.fr: list(s.expected) for s in scenario.steps if isinstance(s, OpenStep)
    }
    engine = Engine(catalogue, lambda text: [str(code) for code in answers.get(text, [])])
    state = State(plain=plain)
    messages = [choice_payload(scenario_id)]
    messages += [m for _, step_messages in right_answers(scenario) for m in step_messages]
    bubbles: list[Bubble] = []
    for number, message in enumerate(messages):
        outcome = engine.handle(state, turn_for(message, number))
        state = outcome.state
        bubbles += [b for m in outcome.messages if (b := bubble(m, plain)) is not None]
    return bubbles


def texts(catalogue: Catalogue, scenario_id: str) -> list[str]:
    """The bubbles' texts only: what `vigie scenarios stats` measures on a phone screen."""
    return [b.text for b in transcript(catalogue, scenario_id)]
