"""Waiting in tests for an event, never for a fixed time: poll a predicate until it holds or a
deadline passes.

Never sleeps once the predicate holds; never swallows the predicate's own errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], timeout: float = 30.0, every: float = 0.05) -> T:
    """The predicate's first truthy value, or its last (falsy) one once `timeout` seconds have
    passed: the caller asserts on it. `every` is the pause between two polls (raise it for a
    predicate that costs a request or a query)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)
