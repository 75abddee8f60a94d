"""What may be published about a group of learners, in one place, for the JSON summary, the
dashboard, the report and the CSV: the k threshold, cohorts of k, rounded rates.

Never lets a figure describe fewer than k learners, nor change with one newcomer's answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

RATE_STEP = 0.05
"""Published rates and differences of rates are multiples of 5 points."""


def band(learners: int, *, k: int) -> int | None:
    """A head count as published: 0; withheld from 1 to k−1; else rounded down to a multiple of
    k (5, 10, 15… for k = 5), which is the number of learners the figures are computed on."""
    if learners == 0:
        return 0
    return learners // k * k if learners >= k else None


def cohort(members: Sequence[T], *, k: int) -> list[T]:
    """The members a figure is computed on: the first `band` of them, in the order they joined
    the group. A newcomer changes nothing until k newcomers together complete the next band."""
    return list(members[: len(members) // k * k])


def _steps(count: int) -> float:
    return round(count * RATE_STEP, 2) + 0.0  # + 0.0 turns −0.0 into 0.0


def rate(value: float | None, *, learners: int, k: int) -> float | None:
    """A rate or a difference of rates over `learners`: withheld below k, else to the nearest
    5 points."""
    if value is None or learners < k:
        return None
    return _steps(round(value / RATE_STEP))


def margin(value: float | None, *, learners: int, k: int) -> float | None:
    """The half-width of an interval: withheld below k, else rounded UP to 5 points (rounding
    never makes a change look more certain than it is)."""
    if value is None or learners < k:
        return None
    return _steps(math.ceil(round(value / RATE_STEP, 9)))
