"""Educator password hashing with argon2id (argon2-cffi, RFC 9106 low-memory profile), and the
gate that keeps a burst of logins from holding 64 MiB each at once.

Never stores, logs or compares a password in clear; unknown e-mails cost as much as known ones.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher().hash("vigie-timing-equaliser")


def hash_password(password: str) -> str:
    """A salted argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing hash is checked against a dummy (same cost)."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(password_hash)


def acceptable(password: str) -> bool:
    """The minimum we accept for a new password (length only: no composition rules)."""
    return MIN_LENGTH <= len(password) <= MAX_LENGTH


class PasswordGate:
    """At most `slots` password checks at once in this process; the others are refused at once
    (the caller answers 429), never queued: a queue of waiting logins would hold threads and
    let a burst starve the web chat."""

    def __init__(self, slots: int) -> None:
        self._slots = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields True when a check may run now (the slot is freed on exit), else False."""
        acquired = self._slots.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                self._slots.release()
