"""Educator authentication (docs/architecture.md §5): OAuth2 password form → signed, expiring
bearer token.

Never says which of the e-mail or the password was wrong; growing delays per (account, client)
and per client, and at most a couple of password checks at once (429 with Retry-After).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api.schemas.educator import TokenOut
from api.web import login
from api.web.deps import BearerSignerDep, ClientAddressDep, LoginGuardsDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post(
    "/token",
    responses={
        401: {"description": "Wrong e-mail or password"},
        429: {"description": "Too many failed attempts, or too many logins at once"},
    },
)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    signer: BearerSignerDep,
    guards: LoginGuardsDep,
    client: ClientAddressDep,
) -> TokenOut:
    """Exchange an educator's e-mail and password for a bearer token."""
    outcome = login.attempt(
        session,
        guards=guards,
        settings=settings,
        email=form.username,
        password=form.password,
        client=client,
    )
    if outcome.retry_after:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="Trop de tentatives de connexion. Réessayez plus tard.",
            headers={"Retry-After": str(outcome.retry_after)},
        )
    if outcome.educator is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Adresse e-mail ou mot de passe incorrect.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    access = signer.issue(
        educator_id=outcome.educator.id, password_hash=outcome.educator.password_hash
    )
    return TokenOut(access_token=access, expires_in=signer.max_age_seconds)
