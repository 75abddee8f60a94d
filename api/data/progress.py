"""Stores progress events exactly once each, whatever the number of deliveries.

Never writes a field the event schema does not define (no text can get in).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.data import learners
from api.data.models import ProgressEvent
from api.schemas.learner import QUIZ_SCENARIOS, ProgressEventIn
from scenarios.loader import Catalogue
from scenarios.missions import default_missions


def unknown_scenarios(events: Sequence[ProgressEventIn], catalogue: Catalogue) -> set[str]:
    named = {event.scenario for event in events if event.scenario is not None}
    known = QUIZ_SCENARIOS | {mission.id for mission in default_missions().missions}
    return {name for name in named if name not in known and catalogue.get(name) is None}


def _row(event: ProgressEventIn) -> ProgressEvent:
    return ProgressEvent(
        id=str(event.id),
        type=event.type,
        learner_id=event.learner,
        scenario_id=event.scenario,
        step_id=event.step,
        points=event.points,
        max_points=event.max_points,
        correct=event.correct,
        confidence=event.confidence,
        item_reliable=event.item_reliable,
        criteria_found=sorted(event.criteria_found),
        criteria_expected=sorted(event.criteria_expected),
        moves=[tool.value for tool in event.moves],
        techniques=[technique.value for technique in event.techniques],
        occurred_at=event.occurred_at.astimezone(UTC),
    )


def store_events(session: Session, *, events: Sequence[ProgressEventIn]) -> tuple[int, int]:
    """Insert the events not stored yet; returns (stored, duplicates)."""
    unique = {str(event.id): event for event in events}
    existing = set(
        session.scalars(select(ProgressEvent.id).where(ProgressEvent.id.in_(unique.keys())))
    )
    fresh = [event for event_id, event in unique.items() if event_id not in existing]
    learners.ensure_exist(session, learners={e.learner for e in fresh if e.learner is not None})
    session.add_all(_row(event) for event in fresh)
    try:
        session.commit()
    except IntegrityError:
        # A concurrent delivery of the same event won the race: store the rest one by one.
        session.rollback()
        return _store_one_by_one(session, fresh, len(events))
    return len(fresh), len(events) - len(fresh)


def _store_one_by_one(
    session: Session, events: list[ProgressEventIn], total: int
) -> tuple[int, int]:
    stored = 0
    for event in events:
        try:
            learners.ensure_exist(session, learners={event.learner} if event.learner else set())
            session.add(_row(event))
            session.commit()
            stored += 1
        except IntegrityError:
            session.rollback()
    return stored, total - stored
