"""The verdict scale (verdict_scale.yml) and how a turn names a verdict: a button, typed words,
or the NLU's binary reading.

Shared by `engine` and `quiz_flow`; never judges whether a verdict is right.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final, Literal, TypeGuard

from pydantic import RootModel, model_validator

from actions import answer_parsing
from actions.conversation import Turn
from scenarios.schema import VERDICTS, Verdict
from vigie.data_files import load_yaml

SCALE_FILE = Path(__file__).resolve().parent / "verdict_scale.yml"
UNSURE: Final = "unsure"
Reading = Verdict | Literal["unsure"]
"""What a turn can name on the scale: a verdict, or « je ne sais pas »."""
# The last resort when no verdict word was typed: the NLU's binary reading.
VERDICT_INTENTS: dict[str, Reading] = {
    "answer_true": "vrai",
    "answer_false": "faux",
    "answer_unsure": UNSURE,
}


class VerdictScale(RootModel[dict[str, str]]):
    """verdict_scale.yml: each verdict of the scenario schema and `unsure`, none other."""

    @model_validator(mode="after")
    def _the_whole_scale(self) -> VerdictScale:
        expected = (*VERDICTS, UNSURE)
        missing = [verdict for verdict in expected if verdict not in self.root]
        unknown = [verdict for verdict in self.root if verdict not in expected]
        if missing or unknown:
            raise ValueError(
                f"the scale is {', '.join(expected)} (missing {missing}, unknown {unknown})"
            )
        return self


@cache
def verdict_scale() -> dict[str, str]:
    """Verdict id (and `unsure`) → button title, in display order."""
    return load_yaml(SCALE_FILE, VerdictScale).root


def verdict_name(verdict: str) -> str:
    """The verdict as feedback names it: its button title without the emoji."""
    return verdict_scale()[verdict].split(" ", 1)[-1]


def is_reading(value: str) -> TypeGuard[Reading]:
    """Whether `value` names a verdict of the scale or `unsure` (the scale holds exactly those)."""
    return value in verdict_scale()


def read_verdict(turn: Turn) -> Reading | None:
    """A verdict id or `unsure`: a verdict button, else typed words, else the NLU intent."""
    pressed = turn.entities.get("choice", "")
    if is_reading(pressed):
        return pressed
    return answer_parsing.parse_verdict(turn.text) or VERDICT_INTENTS.get(turn.intent)


verdict_scale()  # fail fast: a malformed verdict_scale.yml stops the start, not a conversation
