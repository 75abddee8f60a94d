"""The k-anonymity rule, in one place, used by the JSON summary, the dashboard, CSV and report.

A figure computed over fewer than k learners is never shown; nothing else decides that.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def figure(value: T, *, learners: int, k: int) -> T | None:
    """The value when it describes at least k learners, else None (withheld)."""
    return value if learners >= k else None


def count(learners: int, *, k: int) -> int | None:
    """A head count: 0 or at least k is shown; 1 … k-1 is withheld (too few to hide in)."""
    return learners if learners == 0 or learners >= k else None


def ratio(value: float | None, *, learners: int, k: int) -> float | None:
    """A rate rounded for display, withheld below k."""
    if value is None or learners < k:
        return None
    return round(value, 3)
