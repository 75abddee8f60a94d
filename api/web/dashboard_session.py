"""The dashboard's session cookie: signed, expiring, HttpOnly, SameSite=Lax, Secure over HTTPS.

Never holds more than the educator id, a password fingerprint and the CSRF secret.
"""

from __future__ import annotations

from fastapi import Response

from api.core.security import csrf
from api.core.settings import ApiSettings

SESSION_COOKIE = "vigie_session"
COOKIE_PATH = "/"
LOGIN_PATH = "/dashboard/connexion"


def secure(settings: ApiSettings) -> bool:
    """Cookies are Secure whenever the public URL is HTTPS (plain HTTP only on a dev machine)."""
    return settings.base_url.startswith("https://")


def set_session(response: Response, settings: ApiSettings, *, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=secure(settings),
    )
    response.delete_cookie(csrf.PRE_LOGIN_COOKIE, path=COOKIE_PATH)


def clear_session(response: Response, settings: ApiSettings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure(settings)
    )


def set_pre_login_csrf(response: Response, settings: ApiSettings, *, secret: str) -> None:
    response.set_cookie(
        csrf.PRE_LOGIN_COOKIE,
        secret,
        max_age=3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure(settings),
    )
