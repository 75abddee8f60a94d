"""One login attempt, shared by the OAuth2 token endpoint and the dashboard form: throttled
per e-mail and per client address, then checked against the argon2 hash.

Never reveals whether an e-mail exists, and never records a password.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from api import educators
from api.models import Educator
from api.security.rate_limit import LoginLimiter
from api.settings import ApiSettings

MAX_EMAIL = 254
MAX_PASSWORD = 256


@dataclass(frozen=True)
class Outcome:
    educator: Educator | None = None
    retry_after: int = 0


def attempt(
    session: Session,
    *,
    limiter: LoginLimiter,
    settings: ApiSettings,
    email: str,
    password: str,
    client: str,
) -> Outcome:
    """The educator on success; `retry_after` > 0 when throttled (even with a right password)."""
    email_key = f"email:{educators.normalise_email(email)[:MAX_EMAIL]}"
    client_key = f"client:{client}"
    wait = limiter.retry_after(
        {email_key: settings.login_max_failures, client_key: settings.login_ip_max_failures}
    )
    if wait:
        return Outcome(retry_after=wait)
    educator = None
    if 0 < len(email) <= MAX_EMAIL and 0 < len(password) <= MAX_PASSWORD:
        educator = educators.authenticate(session, email=email, password=password)
    if educator is None:
        limiter.failed([email_key, client_key])
        return Outcome()
    limiter.succeeded(email_key)
    return Outcome(educator=educator)
