"""One login attempt, shared by the OAuth2 token endpoint and the dashboard form: growing delays
per (account, client) and per client, at most a couple of argon2 checks at once, then the hash.

Never reveals whether an e-mail exists, never records a password, never locks an account: an
attacker elsewhere cannot stop an educator from signing in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.core.security.passwords import PasswordGate
from api.core.security.rate_limit import Backoff, LoginThrottle
from api.core.settings import ApiSettings
from api.data import educators
from api.data.models import Educator

MAX_EMAIL = 254
MAX_PASSWORD = 256
BUSY_RETRY_SECONDS = 1


@dataclass(frozen=True)
class Outcome:
    educator: Educator | None = None
    retry_after: int = 0


@dataclass(frozen=True)
class Guards:
    """The per-process throttle and password gate (one of each per app)."""

    throttle: LoginThrottle
    gate: PasswordGate


def attempt(
    session: Session,
    *,
    guards: Guards,
    settings: ApiSettings,
    email: str,
    password: str,
    client: str,
) -> Outcome:
    """The educator on success; `retry_after` > 0 when the attempt was not checked (a delay
    after failures, or every password slot busy), whatever the password."""
    pair_key = f"pair:{educators.normalise_email(email)[:MAX_EMAIL]}|{client}"
    client_key = f"client:{client}"
    wait = guards.throttle.retry_after(
        {
            pair_key: Backoff(settings.login_free_failures, settings.login_max_delay_seconds),
            client_key: Backoff(
                settings.login_client_free_failures, settings.login_client_max_delay_seconds
            ),
        }
    )
    if wait:
        return Outcome(retry_after=wait)
    with guards.gate.slot() as free:
        if not free:
            return Outcome(retry_after=BUSY_RETRY_SECONDS)
        educator = None
        if 0 < len(email) <= MAX_EMAIL and 0 < len(password) <= MAX_PASSWORD:
            educator = educators.authenticate(session, email=email, password=password)
    if educator is None:
        guards.throttle.failed([pair_key, client_key])
        return Outcome()
    guards.throttle.succeeded(pair_key)
    return Outcome(educator=educator)
