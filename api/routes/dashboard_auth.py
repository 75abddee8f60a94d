"""Dashboard sign-in and sign-out pages: session cookie, CSRF on both forms, throttled logins;
signing out revokes the cookie on the server (the educator's session version moves on).

Never puts the session in a URL and never accepts a form without its CSRF token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.core.security import csrf
from api.data import educators
from api.web import dashboard_session, login, rendering
from api.web.deps import (
    ClientAddressDep,
    DashboardSignerDep,
    DashboardUserDep,
    LoginGuardsDep,
    SessionDep,
    SettingsDep,
)

router = APIRouter(prefix="/dashboard", include_in_schema=False)
FormText = Annotated[str, Form(max_length=1000)]
PreLoginCookie = Annotated[str | None, Cookie(alias=csrf.PRE_LOGIN_COOKIE)]


def _login_page(
    request: Request,
    settings: SettingsDep,
    *,
    secret: str,
    error: str | None = None,
    email: str = "",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    response = rendering.page(
        request,
        "login.html",
        {"csrf": secret, "error": error, "email": email},
        status_code=status_code,
    )
    dashboard_session.set_pre_login_csrf(response, settings, secret=secret)
    response.headers.update(headers or {})
    return response


@router.get("/connexion", response_class=HTMLResponse)
def login_page(
    request: Request, settings: SettingsDep, pre_login: PreLoginCookie = None
) -> HTMLResponse:
    """The sign-in form."""
    secret = pre_login if pre_login and len(pre_login) <= 64 else csrf.new_secret()
    return _login_page(request, settings, secret=secret)


@router.post("/connexion", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    signer: DashboardSignerDep,
    guards: LoginGuardsDep,
    client: ClientAddressDep,
    email: FormText = "",
    password: FormText = "",
    csrf_token: FormText = "",
    pre_login: PreLoginCookie = None,
) -> Response:
    """Check the form, open a session and go to the class list."""
    if not csrf.matches(pre_login, csrf_token):
        return _login_page(
            request, settings, secret=csrf.new_secret(), error="expired", status_code=403
        )
    assert pre_login is not None
    outcome = login.attempt(
        session,
        guards=guards,
        settings=settings,
        email=email,
        password=password,
        client=client,
    )
    if outcome.retry_after:
        return _login_page(
            request,
            settings,
            secret=pre_login,
            error="throttled",
            email=email,
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(outcome.retry_after)},
        )
    if outcome.educator is None:
        return _login_page(
            request, settings, secret=pre_login, error="wrong", email=email, status_code=401
        )
    token = signer.issue(
        educator_id=outcome.educator.id,
        password_hash=outcome.educator.password_hash,
        with_csrf=True,
        version=outcome.educator.session_version,
    )
    response = RedirectResponse("/dashboard", status_code=status.HTTP_303_SEE_OTHER)
    dashboard_session.set_session(response, settings, token=token, max_age=signer.max_age_seconds)
    return response


@router.post("/deconnexion")
def logout(
    request: Request,
    user: DashboardUserDep,
    settings: SettingsDep,
    session: SessionDep,
    csrf_token: FormText = "",
) -> Response:
    """Close the session (the form carries the CSRF token): this cookie, and any copy of it or
    of the educator's other dashboard cookies, no longer opens anything."""
    if not csrf.matches(user.csrf, csrf_token):
        return rendering.page(request, "error.html", {"error": "csrf"}, status_code=403)
    educators.end_dashboard_sessions(session, educator=user.educator)
    response = RedirectResponse(dashboard_session.LOGIN_PATH, status_code=303)
    dashboard_session.clear_session(response, settings)
    return response
