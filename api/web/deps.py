"""FastAPI dependencies as annotated aliases: settings, DB session, clients, auth.

Handlers take these as parameters; nothing reads a global.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Cookie, Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.core.security.chat_limits import ChatLimits
from api.core.security.chat_sessions import SessionSigner
from api.core.security.passwords import PasswordGate
from api.core.security.rate_limit import LoginThrottle
from api.core.security.tokens import (
    BEARER_SALT,
    SESSION_SALT,
    Credential,
    CredentialSigner,
    InvalidCredential,
    password_fingerprint,
)
from api.core.settings import ApiSettings
from api.data import classes
from api.data.models import Classroom, Educator
from api.web import dashboard_session
from api.web.login import Guards
from scenarios.loader import Catalogue
from vigie.rasa_rest import RasaRestClient

T = TypeVar("T")


def _state(request: Request, name: str, kind: type[T]) -> T:
    """What api.main put in the app's state under `name`; anything else there is a setup bug."""
    value = getattr(request.app.state, name)
    if not isinstance(value, kind):
        raise TypeError(f"app.state.{name} is a {type(value).__name__}, not a {kind.__name__}")
    return value


def get_settings(request: Request) -> ApiSettings:
    return _state(request, "settings", ApiSettings)


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


def get_rasa(request: Request) -> RasaRestClient:
    return _state(request, "rasa", RasaRestClient)


def get_signer(request: Request) -> SessionSigner:
    return _state(request, "signer", SessionSigner)


def get_tracker(request: Request) -> Engine:
    return _state(request, "tracker_engine", Engine)


def get_catalogue(request: Request) -> Catalogue:
    return _state(request, "catalogue", Catalogue)


def get_client_address(request: Request) -> str:
    """The client's address: the connecting one, or the one a trusted proxy forwarded
    (`ApiSettings.trusted_proxies`, applied by uvicorn's ProxyHeadersMiddleware in api.main)."""
    return request.client.host if request.client else "unknown"


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
RasaDep = Annotated[RasaRestClient, Depends(get_rasa)]
SignerDep = Annotated[SessionSigner, Depends(get_signer)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
TrackerDep = Annotated[Engine, Depends(get_tracker)]
ClientAddressDep = Annotated[str, Depends(get_client_address)]

_bearer = HTTPBearer(auto_error=False)


def require_ingest_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Only the action server (holding the ingest token) may post progress events."""
    expected = settings.secret("ingest_token")
    if credentials is None or not hmac.compare_digest(credentials.credentials, expected):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Jeton d'ingestion manquant ou invalide.",
            headers={"WWW-Authenticate": "Bearer"},
        )


IngestAuth = Depends(require_ingest_token)


# ----- educators: signers, login throttling, bearer and dashboard authentication -------------

_oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _per_app(request: Request, name: str, factory: Callable[[], T]) -> T:
    """One instance per app, made on first use (the app object is the only holder)."""
    value = getattr(request.app.state, name, None)
    if value is None:
        value = factory()
        setattr(request.app.state, name, value)
    return value


def _signer(
    request: Request, name: str, settings: ApiSettings, salt: str, seconds: int
) -> CredentialSigner:
    """One credential signer per app and salt, on the session key."""
    return _per_app(
        request,
        name,
        lambda: CredentialSigner(
            settings.secret("session_key"), salt=salt, max_age_seconds=seconds
        ),
    )


def get_bearer_signer(request: Request, settings: SettingsDep) -> CredentialSigner:
    minutes = settings.educator_token_minutes
    return _signer(request, "educator_bearer_signer", settings, BEARER_SALT, minutes * 60)


def get_dashboard_signer(request: Request, settings: SettingsDep) -> CredentialSigner:
    hours = settings.dashboard_session_hours
    return _signer(request, "educator_dashboard_signer", settings, SESSION_SALT, hours * 3600)


def get_login_guards(request: Request, settings: SettingsDep) -> Guards:
    return _per_app(
        request,
        "login_guards",
        lambda: Guards(
            throttle=LoginThrottle(forget_after=settings.login_forget_after_seconds),
            gate=PasswordGate(settings.password_checks_at_once),
        ),
    )


def get_chat_limits(request: Request, settings: SettingsDep) -> ChatLimits:
    return _per_app(request, "chat_limits", lambda: ChatLimits.from_settings(settings))


BearerSignerDep = Annotated[CredentialSigner, Depends(get_bearer_signer)]
DashboardSignerDep = Annotated[CredentialSigner, Depends(get_dashboard_signer)]
LoginGuardsDep = Annotated[Guards, Depends(get_login_guards)]
ChatLimitsDep = Annotated[ChatLimits, Depends(get_chat_limits)]


def _educator(session: Session, credential: Credential) -> Educator | None:
    educator = session.get(Educator, credential.educator_id)
    if educator is None or not hmac.compare_digest(
        password_fingerprint(educator.password_hash), credential.fingerprint
    ):
        return None
    return educator


def get_current_educator(
    session: SessionDep,
    signer: BearerSignerDep,
    token: Annotated[str | None, Depends(_oauth2)],
) -> Educator:
    """The educator holding a valid, unexpired bearer token; 401 otherwise."""
    unauthorized = HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail="Authentification requise.",
        headers={"WWW-Authenticate": "Bearer"},
    )
    if not token:
        raise unauthorized
    try:
        credential = signer.read(token)
    except InvalidCredential as error:
        raise unauthorized from error
    educator = _educator(session, credential)
    if educator is None:
        raise unauthorized
    return educator


CurrentEducator = Annotated[Educator, Depends(get_current_educator)]


def get_owned_class(code: str, educator: CurrentEducator, session: SessionDep) -> Classroom:
    """The caller's class with that code; anyone else's class is 404, like a missing one."""
    classroom = classes.get_owned(session, educator_id=educator.id, code=code)
    if classroom is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Classe introuvable.")
    return classroom


OwnedClass = Annotated[Classroom, Depends(get_owned_class)]


@dataclass(frozen=True)
class DashboardUser:
    educator: Educator
    csrf: str


def get_dashboard_user(
    session: SessionDep,
    signer: DashboardSignerDep,
    cookie: Annotated[str | None, Cookie(alias=dashboard_session.SESSION_COOKIE)] = None,
) -> DashboardUser:
    """The educator of the session cookie; otherwise a redirect to the login page."""
    credential = None
    if cookie:
        try:
            credential = signer.read(cookie)
        except InvalidCredential:
            credential = None
    educator = _educator(session, credential) if credential and credential.csrf else None
    if educator is not None and credential is not None:
        # Signing out bumps the version: older cookies are refused (server-side revocation).
        educator = educator if credential.version == educator.session_version else None
    if educator is None or credential is None:
        raise HTTPException(
            status.HTTP_303_SEE_OTHER, headers={"Location": dashboard_session.LOGIN_PATH}
        )
    return DashboardUser(educator=educator, csrf=credential.csrf)


DashboardUserDep = Annotated[DashboardUser, Depends(get_dashboard_user)]


class DashboardClassNotFound(Exception):
    """A dashboard page asked for a class its educator does not own (or that does not exist)."""

    def __init__(self, user: DashboardUser) -> None:
        super().__init__("class not found")
        self.user = user


def get_dashboard_class(code: str, user: DashboardUserDep, session: SessionDep) -> Classroom:
    """The signed-in educator's class; anyone else's is the same 404 page as a missing one."""
    classroom = classes.get_owned(session, educator_id=user.educator.id, code=code)
    if classroom is None:
        raise DashboardClassNotFound(user)
    return classroom


DashboardClassDep = Annotated[Classroom, Depends(get_dashboard_class)]
