"""FastAPI dependencies as annotated aliases: settings, DB session, clients, auth.

Handlers take these as parameters; nothing reads a global.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.chat_sessions import SessionSigner
from api.rasa_client import RasaClient
from api.settings import ApiSettings
from scenarios.loader import Catalogue


def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


def get_rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


def get_signer(request: Request) -> SessionSigner:
    return request.app.state.signer


def get_catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_db)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
SignerDep = Annotated[SessionSigner, Depends(get_signer)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]

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
