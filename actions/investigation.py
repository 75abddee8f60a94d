"""The investigate step: the tools menu, one move at a time within a budget, then « enough ».

Pure like the engine (which scores the step when `play` says it is over): names domain
responses and carries scenario text, reads its tools from investigation_tools.yml; never keeps
what the learner typed, only the codes of the tools used.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Final, Literal

from pydantic import model_validator

from actions.conversation import Message, Outcome, State, Turn, choice_payload
from nlu.components.normalise import fold, normalise
from scenarios.schema import Criterion, InvestigateStep, Tool
from vigie.data_files import DataModel, load_yaml, require_every
from vigie.protocol import RESULT

TOOLS_FILE = Path(__file__).resolve().parent / "investigation_tools.yml"
ENOUGH: Final = "enough"
Reading = Tool | Literal["enough"]
_WORD = re.compile(r"[^\W_]+")


class ToolWords(DataModel):
    """A tool as the learner sees and types it."""

    label: str
    reflex: Criterion | None
    words: list[str]


class EnoughWords(DataModel):
    label: str
    words: list[str]


class InvestigationTools(DataModel):
    """investigation_tools.yml: every tool of the Tool enum, and the « enough » button."""

    tools: dict[Tool, ToolWords]
    enough: EnoughWords

    @model_validator(mode="after")
    def _every_tool(self) -> InvestigationTools:
        require_every(Tool, self.tools, "tools missing")
        return self


@cache
def tools() -> InvestigationTools:
    return load_yaml(TOOLS_FILE, InvestigationTools)


def _key(text: str) -> str:
    """The words of a text as the NLU reads them (teen speak expanded, accents folded), spaced."""
    return " ".join(_WORD.findall(fold(normalise(text))))


@cache
def _phrases() -> list[tuple[str, Reading]]:
    """Every typed phrase (a button's title too) and what it stands for, longest first."""
    words = tools()
    table: list[tuple[str, Reading]] = []
    for tool, entry in words.tools.items():
        table += [(_key(phrase), tool) for phrase in [entry.label, *entry.words]]
    table += [(_key(phrase), ENOUGH) for phrase in [words.enough.label, *words.enough.words]]
    return sorted((pair for pair in table if pair[0]), key=lambda pair: -len(pair[0]))


def read_move(turn: Turn) -> Reading | None:
    """The tool or « enough » a button names or the words typed say (the longest phrase wins)."""
    pressed = turn.entities.get("choice", "")
    if pressed == ENOUGH:
        return ENOUGH
    if pressed in Tool.__members__.values():
        return Tool(pressed)
    typed = f" {_key(turn.text)} "
    return next((reading for phrase, reading in _phrases() if f" {phrase} " in typed), None)


def used(state: State) -> list[Tool]:
    return [Tool(code) for code in state.moves]


def remaining(step: InvestigateStep, state: State) -> int:
    return step.budget - len(state.moves)


def buttons(step: InvestigateStep, state: State) -> list[dict[str, str]]:
    """One button per tool of this menu not used yet, in the canonical order, then « enough »."""
    order = list(Tool)
    offered = sorted((move.tool for move in step.moves), key=order.index)
    words = tools()
    return [
        *(
            {"title": words.tools[tool].label, "payload": choice_payload(tool.value)}
            for tool in offered
            if tool.value not in state.moves
        ),
        {"title": words.enough.label, "payload": choice_payload(ENOUGH)},
    ]


def ask(out: Outcome, step: InvestigateStep) -> None:
    """The prompt, the budget left and the menu: one bubble."""
    state = out.state
    out.say(
        "utter_step_investigate",
        buttons=buttons(step, state),
        prompt=step.prompt.text(state.plain),
        remaining=remaining(step, state),
    )


def menu(out: Outcome, step: InvestigateStep, before: str | None = None) -> None:
    """The menu again (after a move or a refusal), with the budget left."""
    if before:
        out.say(before)
    out.say(
        "utter_investigate_menu",
        buttons=buttons(step, out.state),
        remaining=remaining(step, out.state),
    )


def play(out: Outcome, step: InvestigateStep, turn: Turn) -> bool:
    """One turn of the step; True when it is over (the engine scores it then)."""
    state = out.state
    reading = read_move(turn)
    if reading is None:
        state.fallbacks += 1
        menu(out, step, "utter_move_help")
        return False
    state.fallbacks = 0
    if not isinstance(reading, Tool):  # « enough »
        if state.moves:
            return True
        menu(out, step, "utter_investigate_no_move")
        return False
    move = step.move(reading)
    if move is None:
        menu(out, step, "utter_move_unavailable")
        return False
    if reading.value in state.moves:
        menu(out, step, "utter_move_already_used")
        return False
    state.moves.append(reading.value)
    card = move.card
    label = tools().tools[reading].label
    # the card as one picture message (the action layer falls back to `utter_move_card` when
    # the file is missing), then one bubble: what the learner takes from it and the menu again
    out.messages.append(
        Message(
            response="utter_move_card",
            variables={"tool": label, "alt": card.alt},
            image=card.file,
            custom={"type": RESULT, "alt": card.alt, "tool": reading.value},
        )
    )
    result = move.result.text(state.plain)
    if remaining(step, state) <= 0:
        out.say("utter_move_result_last", result=result)
        return True
    out.say(
        "utter_move_result",
        buttons=buttons(step, state),
        result=result,
        remaining=remaining(step, state),
    )
    return False


def reflexes_used(state: State) -> list[str]:
    """The reflex codes the tools used train, in order, once each (« inspect » trains none)."""
    codes: list[str] = []
    for tool in used(state):
        reflex = tools().tools[tool].reflex
        if reflex is not None and reflex.value not in codes:
            codes.append(reflex.value)
    return codes


tools()  # fail fast: a malformed investigation_tools.yml stops the start, not a conversation
