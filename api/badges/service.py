"""Issuing and verifying: a credential for a learner who really earned the badge (a stored
`badge_awarded` event), signed with the deployment's key; a verification against the same key
and the revocation list.

Never stores the learner or the recipient with what it issued (api/badges/store.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from api.badges import documents, signing, store
from api.badges.keys import IssuerKey, issuer_key
from api.core.settings import ApiSettings
from api.data.models import utcnow
from scenarios.schema import Criterion


class NoSuchBadge(LookupError):
    """The learner has no stored `badge_awarded` event for that reflex."""


def key(settings: ApiSettings) -> IssuerKey:
    return issuer_key(settings.secret("badge_key"))


def issue(
    session: Session,
    settings: ApiSettings,
    *,
    learner: str,
    reflex: Criterion,
    recipient: str | None,
) -> str:
    """Sign a credential for the learner's badge; returns the one-time download token."""
    if not store.has_badge(session, learner=learner, reflex=reflex.value):
        raise NoSuchBadge(reflex.value)
    issued_at = utcnow().replace(microsecond=0)
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    credential = documents.credential(
        settings.base_url,
        credential_id=credential_id,
        subject_id=f"urn:uuid:{uuid.uuid4()}",
        reflex=reflex,
        identity=documents.recipient_identity(learner, recipient),
        issued_at=issued_at,
    )
    signed = signing.sign(credential, key(settings), settings.base_url)
    return store.record(
        session,
        credential_id=credential_id,
        reflex=reflex.value,
        issued_at=issued_at,
        signed=signed,
    )


def verify(session: Session, settings: ApiSettings, token: str) -> signing.Verification:
    return signing.verify(token, key(settings), settings.base_url, set(store.revoked_ids(session)))


def revocation_list(session: Session, settings: ApiSettings) -> dict[str, Any]:
    """The 1EdTech revocation list of this issuer: the ids of the revoked credentials."""
    return {
        "id": documents.revocation_list_id(settings.base_url),
        "type": documents.REVOCATION_LIST_TYPE,
        "issuer": documents.issuer_id(settings.base_url),
        "revokedCredentials": [
            {"id": credential_id, "revoked": True} for credential_id in store.revoked_ids(session)
        ],
    }
