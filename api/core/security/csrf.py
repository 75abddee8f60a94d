"""CSRF protection of dashboard forms: a secret bound to the session (or to a pre-login cookie).

Never accepts a form whose token is missing or differs from the expected secret.
"""

from __future__ import annotations

import hmac
import secrets

PRE_LOGIN_COOKIE = "vigie_csrf"
FIELD = "csrf_token"


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def matches(expected: str | None, submitted: str | None) -> bool:
    """Constant-time comparison; an empty expected secret never matches."""
    if not expected or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
