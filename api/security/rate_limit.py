"""Login throttling: at most N failed attempts per key (e-mail, client address) per window.

In memory, per API process (one replica: enough; several: put a shared limiter in front).
Never records a password; keys are the e-mail and the client address only.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 50_000


class LoginLimiter:
    def __init__(
        self,
        *,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        attempts = self._failures.get(key)
        if attempts is None:
            return deque()
        while attempts and attempts[0] <= now - self._window:
            attempts.popleft()
        if not attempts:
            del self._failures[key]
        return attempts

    def retry_after(self, limits: dict[str, int]) -> int:
        """Seconds to wait when any key reached its limit, else 0."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key, limit in limits.items():
                attempts = self._recent(key, now)
                if len(attempts) >= limit:
                    wait = max(wait, attempts[len(attempts) - limit] + self._window - now)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, keys: list[str]) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                if key not in self._failures and len(self._failures) >= MAX_KEYS:
                    self._failures.pop(next(iter(self._failures)))
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
