"""Open Badges 3.0 (docs/badges.md): the issuer Profile and its key, the achievements, the
revocation list, verification, one-time downloads; and, for the action servers only (ingest
token, under /api/v1/learners/: internal listener), issuing a learner's credential.

Never returns or stores who a credential was given to, and never logs a credential.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.badges import documents, service, store
from api.schemas.learner import Pseudonym
from api.web.deps import IngestAuth, SessionDep, SettingsDep
from scenarios.schema import Criterion

router = APIRouter(tags=["badges"])
JSON_LD = "application/ld+json"
# What a learner may choose as the recipient: a nickname, a code, a DID or URL of their own;
# never an e-mail (no '@'), at most 100 characters.
Recipient = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^\s@]{3,100}$")]


class IssueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: Recipient | None = Field(
        default=None, description="the learner's own identifier; none: the hashed pseudonym"
    )


class IssueOut(BaseModel):
    url: str
    expires_in: int


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credential: Annotated[str, StringConstraints(min_length=1, max_length=20000)]


class VerifyOut(BaseModel):
    valid: bool
    checks: dict[str, bool]
    problems: list[str]
    credential_id: str | None = None
    achievement: str | None = None
    valid_from: str | None = None


@router.get("/badges/issuer")
def issuer(settings: SettingsDep) -> JSONResponse:
    """The issuer Profile (JSON-LD) with its public key, as a Multikey and a JWK."""
    profile = documents.issuer_profile(settings.base_url, service.key(settings))
    return JSONResponse(profile, media_type=JSON_LD)


@router.get("/badges/achievements/{reflex}")
def achievement(reflex: Criterion, settings: SettingsDep) -> JSONResponse:
    """One reflex's Achievement: name and criteria in French, CRCN and DigComp alignments."""
    body = {"@context": documents.CONTEXTS, **documents.achievement(settings.base_url, reflex)}
    return JSONResponse(body, media_type=JSON_LD)


@router.get("/badges/revoked")
def revoked(session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """The revocation list (1EdTech Revocation List): ids of revoked credentials only."""
    return service.revocation_list(session, settings)


@router.post("/badges/verify")
def verify(body: VerifyIn, session: SessionDep, settings: SettingsDep) -> VerifyOut:
    """Signature, issuer and revocation of a credential (its compact JWS)."""
    result = service.verify(session, settings, body.credential)
    credential = result.credential or {}
    subject = credential.get("credentialSubject")
    badge = subject.get("achievement") if isinstance(subject, dict) else None
    return VerifyOut(
        valid=result.valid,
        checks=result.checks,
        problems=result.problems,
        credential_id=credential.get("id") if result.checks.get("signature") else None,
        achievement=badge.get("name") if isinstance(badge, dict) else None,
        valid_from=credential.get("validFrom"),
    )


@router.get("/badges/download/{token}")
def download(token: str, session: SessionDep) -> Response:
    """The signed credential, once, within minutes of its issue."""
    signed = store.take_download(session, token=token)
    if signed is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail="Lien expiré ou déjà utilisé : redemande ton badge."
        )
    return Response(
        signed,
        media_type="application/jwt",
        headers={
            "Content-Disposition": 'attachment; filename="badge-vigie.jwt"',
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/api/v1/learners/{learner}/badges/{reflex}/credential",
    status_code=status.HTTP_201_CREATED,
    dependencies=[IngestAuth],
    responses={404: {"description": "no badge_awarded event for this learner and reflex"}},
)
def issue(
    learner: Pseudonym,
    reflex: Criterion,
    body: IssueIn,
    session: SessionDep,
    settings: SettingsDep,
) -> IssueOut:
    """Sign the learner's credential and answer a one-time download link (action servers)."""
    try:
        token = service.issue(
            session, settings, learner=learner, reflex=reflex, recipient=body.recipient
        )
    except service.NoSuchBadge as error:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail="Aucun badge de ce réflexe pour ce pseudonyme."
        ) from error
    return IssueOut(
        url=f"{settings.base_url}/badges/download/{token}",
        expires_in=int(store.DOWNLOAD_TTL.total_seconds()),
    )
