"""What the API keeps of the credentials it issued: id, reflex, date, revocation; and the
one-time download links (a hash of the token, the signed credential, a short expiry).

Keeps no learner, no recipient and no platform id: an erased learner leaves nothing here that
points to them, and verification of what they were given keeps working.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.data.models import BadgeCredential, BadgeDownload, ProgressEvent, utcnow

DOWNLOAD_TTL = timedelta(minutes=10)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_badge(session: Session, *, learner: str, reflex: str) -> bool:
    """Whether a `badge_awarded` event for this reflex was stored for this learner."""
    events = session.scalars(
        select(ProgressEvent.criteria_found).where(
            ProgressEvent.learner_id == learner, ProgressEvent.type == "badge_awarded"
        )
    )
    return any(reflex in (found or []) for found in events)


def record(
    session: Session, *, credential_id: str, reflex: str, issued_at: datetime, signed: str
) -> str:
    """Store the credential's facts and a download link for it; returns the link's token."""
    token = secrets.token_urlsafe(32)
    session.add(BadgeCredential(id=credential_id, reflex=reflex, issued_at=issued_at))
    session.add(
        BadgeDownload(
            token_hash=_token_hash(token),
            credential_id=credential_id,
            signed=signed,
            expires_at=utcnow() + DOWNLOAD_TTL,
        )
    )
    session.commit()
    return token


def take_download(session: Session, *, token: str) -> str | None:
    """The signed credential, once: the link is deleted when used, and expired ones with it."""
    now = utcnow()
    row = session.get(BadgeDownload, _token_hash(token))
    signed = row.signed if row is not None and _aware(row.expires_at) > now else None
    if row is not None:
        session.delete(row)
    session.execute(delete(BadgeDownload).where(BadgeDownload.expires_at <= now))
    session.commit()
    return signed


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def revoke(session: Session, *, credential_id: str) -> bool:
    """Mark a credential revoked; False when no such credential was issued here."""
    row = session.get(BadgeCredential, credential_id)
    if row is None:
        return False
    row.revoked = True
    session.execute(delete(BadgeDownload).where(BadgeDownload.credential_id == credential_id))
    session.commit()
    return True


def revoked_ids(session: Session) -> list[str]:
    return sorted(session.scalars(select(BadgeCredential.id).where(BadgeCredential.revoked)))
