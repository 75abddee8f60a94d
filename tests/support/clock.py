"""A clock the test moves by hand, for the throttles and rate limiters that take a `clock`
(api/security/rate_limit.py, api/chat_limits.py, bot/state.py): a window passes at once.

Never reads the real time.
"""

from __future__ import annotations

import threading


class ManualClock:
    """Monotonic seconds that only move when `advance` is called; counts how often it is read."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.reads = 0
        self._lock = threading.Lock()  # read from the bridge's event-loop thread too

    def __call__(self) -> float:
        with self._lock:
            self.reads += 1
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds
