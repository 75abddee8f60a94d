"""Throttles of the API: growing delays after failed logins, token buckets for the web chat.

In memory, per API process (several replicas: nginx's limits are the shared front line).
Never records a password or a message; keys are e-mails, client addresses, class codes and
random session ids only, and their number is bounded.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

MAX_KEYS = 50_000
Clock = Callable[[], float]
Entry = TypeVar("Entry")


def _seconds(wait: float) -> int:
    return math.ceil(wait) if wait > 0 else 0


class _Bounded(OrderedDict[str, Entry]):
    """Least recently used entries go first once `MAX_KEYS` is reached (memory stays bounded)."""

    def put(self, key: str, value: Entry) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MAX_KEYS:
            self.popitem(last=False)


@dataclass(frozen=True)
class Backoff:
    """`free` failures cost nothing; then each one doubles the wait, from `first` up to `cap`
    seconds (counted from the last failure)."""

    free: int
    cap: float
    first: float = 5.0

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.cap, self.first * 2.0 ** min(failures - self.free, 32))


class LoginThrottle:
    """Growing delays per key after failures, never a hard lock: once the delay since the last
    failure has passed, the next attempt is checked. Failures are forgotten `forget_after`
    seconds after the last one, and a success clears its key."""

    def __init__(self, *, forget_after: float, clock: Clock = time.monotonic) -> None:
        self._forget_after = forget_after
        self._clock = clock
        # key → (count, time of the last failure)
        self._failures: _Bounded[tuple[int, float]] = _Bounded()
        self._lock = threading.Lock()

    def retry_after(self, keys: dict[str, Backoff]) -> int:
        """Seconds until an attempt on these keys may be checked (0: now)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key, backoff in keys.items():
                count, last = self._failures.get(key, (0, now))
                if now - last >= self._forget_after:
                    self._failures.pop(key, None)
                    continue
                wait = max(wait, last + backoff.delay(count) - now)
        return _seconds(wait)

    def failed(self, keys: list[str]) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                count, last = self._failures.get(key, (0, now))
                fresh = now - last < self._forget_after
                self._failures.put(key, ((count if fresh else 0) + 1, now))

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class TokenBuckets:
    """Per key, `burst` requests at once, then `per_minute` more each minute."""

    def __init__(self, *, burst: int, per_minute: float, clock: Clock = time.monotonic) -> None:
        self._burst = float(burst)
        self._rate = per_minute / 60.0
        self._clock = clock
        # key → (tokens, time of the last update)
        self._buckets: _Bounded[tuple[float, float]] = _Bounded()
        self._lock = threading.Lock()

    def take(self, key: str) -> int:
        """0 when the request may go (one token spent), else the seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            if tokens >= 1.0:
                self._buckets.put(key, (tokens - 1.0, now))
                return 0
            self._buckets.put(key, (tokens, now))
            return max(1, _seconds((1.0 - tokens) / self._rate)) if self._rate else 3600
