"""Signed, expiring credentials for educators: API bearer tokens and dashboard session cookies.

Never puts anything but an educator id, a password fingerprint, a session version (bumped by
signing out, which revokes every earlier dashboard cookie) and a CSRF secret in a token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TypeGuard

from itsdangerous import BadSignature, URLSafeTimedSerializer

BEARER_SALT = "vigie-educator-bearer"
SESSION_SALT = "vigie-educator-dashboard"


def password_fingerprint(password_hash: str) -> str:
    """Changes whenever the password does, so a new password revokes every older token."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Credential:
    educator_id: int
    fingerprint: str
    csrf: str = ""
    version: int = 0


class InvalidCredential(Exception):
    """The token or cookie is forged, expired or malformed."""


class CredentialSigner:
    """Signs and reads one kind of credential (bearer or dashboard session) with its own salt."""

    def __init__(self, key: str, *, salt: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt=salt)
        self._max_age = max_age_seconds

    @property
    def max_age_seconds(self) -> int:
        return self._max_age

    def issue(
        self, *, educator_id: int, password_hash: str, with_csrf: bool = False, version: int = 0
    ) -> str:
        fingerprint = password_fingerprint(password_hash)
        payload: dict[str, str | int] = {"sub": educator_id, "fp": fingerprint}
        if with_csrf:
            payload["csrf"] = secrets.token_urlsafe(24)
        if version:
            payload["sv"] = version
        return self._serializer.dumps(payload)

    def read(self, token: str) -> Credential:
        try:
            data = self._serializer.loads(token, max_age=self._max_age)
        except (BadSignature, UnicodeError, ValueError) as error:
            raise InvalidCredential from error
        if not isinstance(data, dict):
            raise InvalidCredential
        educator_id, fingerprint = data.get("sub"), data.get("fp")
        csrf, version = data.get("csrf", ""), data.get("sv", 0)
        if (
            not _is_int(educator_id)
            or not isinstance(fingerprint, str)
            or not isinstance(csrf, str)
            or not _is_int(version)
        ):
            raise InvalidCredential
        return Credential(
            educator_id=educator_id, fingerprint=fingerprint, csrf=csrf, version=version
        )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
