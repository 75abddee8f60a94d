"""Points for each kind of step: pure arithmetic, testable without Rasa.

Never reads text: it receives what the learner chose and what was detected.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from scenarios.schema import (
    Criterion,
    InvestigateStep,
    Item,
    OpenStep,
    Step,
    Tool,
    Verdict,
    is_reliable,
)

VERDICT_MAX = 4
CHOICE_MAX = 3
SHARE_MAX = 2
INVESTIGATE_MAX = 4
POINTS_PER_CRITERION = 2
HINT_COST = 1


class Judgement(StrEnum):
    """How a verdict compares with the fact-checker's."""

    EXACT = "exact"  # the fact-checker's verdict, or one they also accept
    SIDE = "side"  # another verdict on the right side of reliable / not reliable
    WRONG = "wrong"  # the other side


def judge(item: Item, verdict: Verdict) -> Judgement:
    if item.accepts(verdict):
        return Judgement.EXACT
    return Judgement.SIDE if is_reliable(verdict) == item.reliable else Judgement.WRONG


# Exact and sure earns most; wrong and sure earns nothing: overconfidence costs. The right side
# with another verdict earns one point less than exact (at confidence 1 both earn the minimum).
_VERDICT_POINTS = {
    Judgement.EXACT: {1: 2, 2: 3, 3: 4, 4: 4},
    Judgement.SIDE: {1: 2, 2: 2, 3: 3, 4: 3},
    Judgement.WRONG: {1: 1, 2: 1, 3: 0, 4: 0},
}
UNSURE_POINTS = 1


def verdict(judgement: Judgement | None, confidence: int | None) -> int:
    """`judgement` None means "je ne sais pas": a little credit for honesty, never a wrong."""
    if judgement is None or confidence is None:
        return UNSURE_POINTS
    return _VERDICT_POINTS[judgement][confidence]


def choice(correct: bool) -> int:
    return CHOICE_MAX if correct else 0


def share(good: bool) -> int:
    return SHARE_MAX if good else 0


def open_max(expected: list[Criterion]) -> int:
    return POINTS_PER_CRITERION * len(expected)


def open_answer(found: set[str], expected: list[Criterion]) -> int:
    """Two points per expected reflex shown, one for a useful unexpected one, capped."""
    hits = len(found & set(expected))
    extras = len(found - set(expected))
    return min(open_max(expected), POINTS_PER_CRITERION * hits + min(extras, 1))


def investigation(step: InvestigateStep, tools: Sequence[Tool]) -> int:
    """+1 for a lateral first move; +2 when the evidence results reached `enough` (+1 for some
    but fewer); +1 for no move after reaching `enough` (stopped in time)."""
    if not tools:
        return 0
    earned = 1 if tools[0].lateral else 0
    evidence = 0
    reached_at: int | None = None
    for count, tool in enumerate(tools, start=1):
        move = step.move(tool)
        evidence += bool(move and move.evidence)
        if reached_at is None and evidence >= step.enough:
            reached_at = count
    if reached_at is not None:
        earned += 2 + (1 if reached_at == len(tools) else 0)
    elif evidence:
        earned += 1
    return earned


def step_max(step: Step) -> int:
    """The most a step can earn (what a skipped step still adds to the maximum)."""
    if isinstance(step, OpenStep):
        return open_max(step.expected)
    maxima = {
        "verdict": VERDICT_MAX,
        "choice": CHOICE_MAX,
        "share": SHARE_MAX,
        "investigate": INVESTIGATE_MAX,
    }
    return maxima[step.kind]


def after_hints(points: int, hints_used: int) -> int:
    return max(0, points - HINT_COST * hints_used)
