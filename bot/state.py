"""The bridge's bounded in-memory state: button keys, flood control, per-chat order, notices.

Never grows without bound and never persists anything: a restart forgets it all, by design.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

CALLBACK_DATA_MAX_BYTES = 64  # Telegram's limit on InlineKeyboardButton.callback_data
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(OrderedDict[K, V], Generic[K, V]):
    """An OrderedDict that forgets its least recently used entries beyond `maxsize`."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def touch(self, key: K, default: Callable[[], V]) -> V:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = default()
        while len(self) > self.maxsize:
            self.popitem(last=False)
        return value


@dataclass(frozen=True)
class Choice:
    """One button as Rasa sent it: what the learner reads, and what goes back to Rasa."""

    title: str
    payload: str


class KeyboardStore:
    """Maps short callback keys to Rasa payloads, per chat, for the last few keyboards.

    A key looks like `<token>.<index>` (at most 16 bytes, far under Telegram's 64); a keyboard
    is used once: pressing one of its buttons forgets the whole keyboard.
    """

    def __init__(self, per_chat: int, max_chats: int) -> None:
        self._per_chat = per_chat
        self._chats: Lru[int, Lru[str, tuple[Choice, ...]]] = Lru(max_chats)

    def add(self, chat_id: int, choices: list[Choice]) -> list[str]:
        """Remember a keyboard; returns the callback data of each button, in order."""
        keyboards = self._chats.touch(chat_id, lambda: Lru(self._per_chat))
        token = secrets.token_urlsafe(6)
        keyboards.touch(token, lambda: tuple(choices))
        keys = [f"{token}.{index}" for index in range(len(choices))]
        assert all(len(key.encode()) <= CALLBACK_DATA_MAX_BYTES for key in keys)
        return keys

    def take(self, chat_id: int, data: str) -> Choice | None:
        """The choice behind `data`, forgetting its keyboard; None if unknown or expired."""
        token, _, index = data.partition(".")
        keyboards = self._chats.get(chat_id)
        if keyboards is None or token not in keyboards or not index.isdigit():
            return None
        choices = keyboards[token]
        if int(index) >= len(choices):
            return None
        del keyboards[token]
        return choices[int(index)]


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the message that tipped over the limit: warn once
    DROP = "drop"  # still cooling down: ignore silently


@dataclass
class _Window:
    hits: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0


class RateLimiter:
    """At most `limit` messages per `window` seconds per key; then one warning and a pause."""

    def __init__(
        self,
        limit: int,
        window: float,
        cooldown: float,
        max_keys: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit, self._window, self._cooldown = limit, window, cooldown
        self._clock = clock
        self._keys: Lru[str, _Window] = Lru(max_keys)

    def hit(self, key: str) -> Verdict:
        now = self._clock()
        state = self._keys.touch(key, _Window)
        if now < state.blocked_until:
            return Verdict.DROP
        while state.hits and state.hits[0] <= now - self._window:
            state.hits.popleft()
        if len(state.hits) >= self._limit:
            state.hits.clear()
            state.blocked_until = now + self._cooldown
            return Verdict.WARN
        state.hits.append(now)
        return Verdict.ALLOW


@dataclass
class _ChatLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class ChatLocks:
    """One asyncio lock per chat, so a chat's messages are answered one after the other.

    asyncio locks wake waiters first-in first-out, so arrival order is answer order. A lock is
    dropped as soon as nobody holds or awaits it.
    """

    def __init__(self) -> None:
        self._locks: dict[int, _ChatLock] = {}

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        entry = self._locks.setdefault(chat_id, _ChatLock())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                self._locks.pop(chat_id, None)

    def __len__(self) -> int:
        return len(self._locks)


class OnceSet:
    """Remembers (boundedly) which keys have already been seen."""

    def __init__(self, maxsize: int) -> None:
        self._seen: Lru[int, bool] = Lru(maxsize)

    def first_time(self, key: int) -> bool:
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen.touch(key, lambda: True)
        return True
