"""Educator credentials made the way the API makes them, but cheaply: one argon2 hash per
password for the whole run, and bearer headers signed as api/web/deps.py signs them, without
the ~0.3 s argon2 check of POST /api/v1/auth/token.

For tests whose subject is not signing in; never used by a test of the sign-in itself.
"""

from __future__ import annotations

import functools

from api.core.security import passwords
from api.core.security.tokens import BEARER_SALT, CredentialSigner
from api.core.settings import ApiSettings


@functools.cache
def password_hash(password: str) -> str:
    """The argon2id hash `vigie create-educator` would store, made once per run."""
    return passwords.hash_password(password)


def bearer_headers(settings: ApiSettings, educator_id: int, password_hash: str) -> dict[str, str]:
    """What POST /api/v1/auth/token would give this educator, as an Authorization header."""
    signer = CredentialSigner(
        settings.secret("session_key"),
        salt=BEARER_SALT,
        max_age_seconds=settings.educator_token_minutes * 60,
    )
    token = signer.issue(educator_id=educator_id, password_hash=password_hash)
    return {"Authorization": f"Bearer {token}"}
