"""The verdict scale (verdict_scale.yml) and how a turn names a verdict: a button, typed words,
or the NLU's binary reading.

Shared by `engine` and `quiz_flow`; never judges whether a verdict is right.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from actions import answer_parsing
from actions.conversation import Turn

SCALE_FILE = Path(__file__).resolve().parent / "verdict_scale.yml"
UNSURE = "unsure"
# The last resort when no verdict word was typed: the NLU's binary reading.
VERDICT_INTENTS = {"answer_true": "vrai", "answer_false": "faux", "answer_unsure": UNSURE}


@cache
def verdict_scale() -> dict[str, str]:
    """Verdict id (and `unsure`) → button title, in display order."""
    with SCALE_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def verdict_name(verdict: str) -> str:
    """The verdict as feedback names it: its button title without the emoji."""
    return verdict_scale()[verdict].split(" ", 1)[-1]


def read_verdict(turn: Turn) -> str | None:
    """A verdict id or `unsure`: a verdict button, else typed words, else the NLU intent."""
    pressed = turn.entities.get("choice", "")
    if pressed in verdict_scale():
        return pressed
    return answer_parsing.parse_verdict(turn.text) or VERDICT_INTENTS.get(turn.intent)
