"""The durable outbox of xAPI statements (a table of the progress database) and the per-class
choice to send the class code as the statements' group.

Never holds a statement's text: a queued row names its progress event, read again when sent, so
erasing the learner (or purging the event) removes what was still waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.data.models import Learner, ProgressEvent, XapiClassGroup, XapiOutbox

FORWARDED_TYPES = frozenset(
    {"scenario_started", "step_scored", "scenario_completed", "quiz_answered"}
)
"""What becomes a statement; hints, badges and distress reports never leave Vigie this way."""

QUEUED, SENT, REJECTED = "queued", "sent", "rejected"


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """A progress event due for the LRS, with the class code when its educator shares it."""

    id: str
    type: str
    learner: str
    scenario: str | None
    step: str | None
    points: int | None
    max_points: int | None
    correct: bool | None
    criteria_found: tuple[str, ...]
    criteria_expected: tuple[str, ...]
    occurred_at: datetime
    attempts: int
    group: str | None


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def enqueue(session: Session, *, event_ids: Sequence[str]) -> int:
    """Queue the stored events among `event_ids` that become statements and were never queued
    (a re-sent event is not queued twice); returns how many were queued."""
    for _ in range(3):
        fresh = list(
            session.scalars(
                select(ProgressEvent.id)
                .outerjoin(XapiOutbox, XapiOutbox.event_id == ProgressEvent.id)
                .where(
                    ProgressEvent.id.in_(set(event_ids)),
                    ProgressEvent.type.in_(FORWARDED_TYPES),
                    ProgressEvent.learner_id.is_not(None),
                    XapiOutbox.event_id.is_(None),
                )
            )
        )
        session.add_all(XapiOutbox(event_id=event_id) for event_id in fresh)
        try:
            session.commit()
        except IntegrityError:  # a concurrent delivery of the same events queued some: look again
            session.rollback()
            continue
        return len(fresh)
    raise RuntimeError("could not queue xAPI statements: the same events keep racing")


def due(session: Session, *, now: datetime, limit: int) -> list[QueuedEvent]:
    """The oldest queued events whose next attempt has come."""
    rows = session.execute(
        select(ProgressEvent, XapiOutbox.attempts, XapiClassGroup.class_code)
        .join(XapiOutbox, XapiOutbox.event_id == ProgressEvent.id)
        .outerjoin(Learner, Learner.id == ProgressEvent.learner_id)
        .outerjoin(XapiClassGroup, XapiClassGroup.class_code == Learner.class_code)
        .where(XapiOutbox.state == QUEUED, XapiOutbox.next_attempt_at <= now)
        .order_by(XapiOutbox.next_attempt_at, XapiOutbox.queued_at, XapiOutbox.event_id)
        .limit(limit)
    ).all()
    return [
        QueuedEvent(
            id=event.id,
            type=event.type,
            learner=event.learner_id or "",
            scenario=event.scenario_id,
            step=event.step_id,
            points=event.points,
            max_points=event.max_points,
            correct=event.correct,
            criteria_found=tuple(event.criteria_found),
            criteria_expected=tuple(event.criteria_expected),
            occurred_at=_aware(event.occurred_at),
            attempts=attempts,
            group=group,
        )
        for event, attempts, group in rows
    ]


def mark(session: Session, *, event_ids: Sequence[str], state: str, now: datetime) -> None:
    """Delivered (`SENT`) or refused for good by the LRS (`REJECTED`): never sent again."""
    session.execute(
        update(XapiOutbox)
        .where(XapiOutbox.event_id.in_(event_ids))
        .values(state=state, done_at=now)
    )
    session.commit()


def retry_later(
    session: Session, *, events: Sequence[QueuedEvent], delays: Sequence[float], now: datetime
) -> None:
    """The LRS could not take them now: one more attempt counted, the next one after its delay."""
    for event, delay in zip(events, delays, strict=True):
        session.execute(
            update(XapiOutbox)
            .where(XapiOutbox.event_id == event.id)
            .values(attempts=event.attempts + 1, next_attempt_at=now + timedelta(seconds=delay))
        )
    session.commit()


def counts(session: Session) -> dict[str, int]:
    """How many rows are queued, sent and rejected."""
    found = dict(
        session.execute(select(XapiOutbox.state, func.count()).group_by(XapiOutbox.state)).all()
    )
    return {state: int(found.get(state, 0)) for state in (QUEUED, SENT, REJECTED)}


def group_shared(session: Session, *, code: str) -> bool:
    return session.get(XapiClassGroup, code) is not None


def share_group(session: Session, *, code: str, shared: bool) -> None:
    """Let the class code travel as the group of the class's statements, or stop it."""
    row = session.get(XapiClassGroup, code)
    if shared and row is None:
        session.add(XapiClassGroup(class_code=code))
    elif not shared and row is not None:
        session.delete(row)
    session.commit()
