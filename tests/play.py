"""Plays scenarios as a learner would, from the scenario data: right or wrong answers.

Test helper only; the right answers are the ones `actions.transcript` plays for the stats.
"""

from __future__ import annotations

from actions.engine import choice_payload as choose
from actions.transcript import right_answers

__all__ = ["choose", "right_answers", "scores", "texts"]


def scores(replies: list[dict]) -> list[dict]:
    return [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == "score"]


def texts(replies: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in replies)
