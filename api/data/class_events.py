"""Reads the progress events of one class's learners, in one indexed query, as plain rows.

Never reads free text (there is none) and never reads another class's events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.data.models import Learner, ProgressEvent


@dataclass(frozen=True, slots=True)
class EventRow:
    learner: str
    type: str
    scenario: str | None
    step: str | None
    points: int | None
    max_points: int | None
    correct: bool | None
    item_reliable: bool | None
    criteria_found: tuple[str, ...]
    criteria_expected: tuple[str, ...]
    occurred_at: datetime
    moves: tuple[str, ...] = ()  # the investigate step's tool codes, in the order used
    techniques: tuple[str, ...] = ()  # a manipulator mission's technique codes


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def learners_joined(session: Session, *, code: str) -> int:
    return (
        session.scalar(select(func.count()).select_from(Learner).where(Learner.class_code == code))
        or 0
    )


def events_of_class(session: Session, *, code: str) -> Sequence[EventRow]:
    """Every event of the learners currently in the class, oldest first, in a stable order."""
    query = (
        select(
            Learner.id,  # = ProgressEvent.learner_id by the join, and never NULL
            ProgressEvent.type,
            ProgressEvent.scenario_id,
            ProgressEvent.step_id,
            ProgressEvent.points,
            ProgressEvent.max_points,
            ProgressEvent.correct,
            ProgressEvent.item_reliable,
            ProgressEvent.criteria_found,
            ProgressEvent.criteria_expected,
            ProgressEvent.moves,
            ProgressEvent.occurred_at,
            ProgressEvent.id,
            ProgressEvent.techniques,
        )
        .join(Learner, Learner.id == ProgressEvent.learner_id)
        .where(Learner.class_code == code)
    )
    # Oldest first, ties broken by event id: the same events always come in the same order, so the
    # first learners of a group (the cohorts of api.reports.anonymity) are the same on every call.
    ordered = sorted(session.execute(query), key=lambda row: (_aware(row[11]), row[12]))
    return [
        EventRow(
            learner=row[0],
            type=row[1],
            scenario=row[2],
            step=row[3],
            points=row[4],
            max_points=row[5],
            correct=row[6],
            item_reliable=row[7],
            criteria_found=tuple(row[8] or ()),
            criteria_expected=tuple(row[9] or ()),
            moves=tuple(row[10] or ()),
            occurred_at=_aware(row[11]),
            techniques=tuple(row[13] or ()),
        )
        for row in ordered
    ]
