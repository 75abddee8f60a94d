"""SQLAlchemy 2 typed models of the progress database.

Learners are pseudonyms; events carry codes and numbers only, never free text or platform ids.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {datetime: DateTime(timezone=True)}


class Educator(Base):
    __tablename__ = "educators"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped when the educator signs out: every dashboard cookie issued before is refused.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class Classroom(Base):
    __tablename__ = "classrooms"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    educator_id: Mapped[int | None] = mapped_column(
        ForeignKey("educators.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    class_code: Mapped[str | None] = mapped_column(
        ForeignKey("classrooms.code", ondelete="SET NULL"), index=True
    )
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ProgressEvent(Base):
    __tablename__ = "progress_events"
    __table_args__ = (Index("ix_events_learner_scenario", "learner_id", "scenario_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    learner_id: Mapped[str | None] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    scenario_id: Mapped[str | None] = mapped_column(String(64), index=True)
    step_id: Mapped[str | None] = mapped_column(String(64))
    points: Mapped[int | None]
    max_points: Mapped[int | None]
    correct: Mapped[bool | None]
    confidence: Mapped[int | None]
    item_reliable: Mapped[bool | None]
    criteria_found: Mapped[list[str]] = mapped_column(JSON, default=list)
    criteria_expected: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The investigate step's tool codes (scenarios.schema.Tool), in the order used.
    moves: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # A manipulator mission's technique codes (scenarios.missions.Technique; issue 17).
    techniques: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Erasure(Base):
    """A learner who asked to be forgotten, kept as a hash of the pseudonym for a few weeks so
    that progress events still waiting in any action server's outbox are dropped on arrival."""

    __tablename__ = "erasures"

    learner_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# ----- xAPI forwarding to a learning record store (api/data/xapi_outbox.py) -----------------
class XapiOutbox(Base):
    """A progress event whose xAPI statement waits for (or has reached) the LRS. The row goes
    with its event (erasure, retention); a delivered row stays, so a re-sent event is not
    queued twice."""

    __tablename__ = "xapi_outbox"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("progress_events.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]


class XapiClassGroup(Base):
    """A class whose educator lets its code travel as the statements' context group (default:
    no row, the code is never sent)."""

    __tablename__ = "xapi_class_groups"

    class_code: Mapped[str] = mapped_column(
        ForeignKey("classrooms.code", ondelete="CASCADE"), primary_key=True
    )
    enabled_at: Mapped[datetime] = mapped_column(default=utcnow)


# ----- Open Badges 3.0 credentials (api/badges/store.py): no learner, no recipient ----------
class BadgeCredential(Base):
    """An issued credential: its id, the reflex, when, whether revoked. Nothing says to whom."""

    __tablename__ = "badge_credentials"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reflex: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked: Mapped[bool] = mapped_column(default=False, index=True)


class BadgeDownload(Base):
    """A one-time, short-lived download of a signed credential, found by its token's hash."""

    __tablename__ = "badge_downloads"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    credential_id: Mapped[str] = mapped_column(
        ForeignKey("badge_credentials.id", ondelete="CASCADE"), index=True
    )
    signed: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(index=True)
