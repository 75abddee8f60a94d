"""Erasure on request and retention limits, over the progress database and Rasa's tracker.

Deletes only: what a learner or the retention policy asks to forget. Never copies data out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    inspect,
    select,
)
from sqlalchemy.orm import Session

from api.models import Learner, ProgressEvent

# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent): the columns we touch.
RASA_EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("timestamp", Float),
)


@dataclass(frozen=True)
class PurgeReport:
    tracker_events: int
    learners: int
    progress_events: int


def _tracker_ready(tracker: Engine) -> bool:
    """Rasa creates its table on first start; before that there is nothing to delete."""
    return inspect(tracker).has_table(RASA_EVENTS.name)


def erase_conversation(tracker: Engine, *, learner: str) -> int:
    if not _tracker_ready(tracker):
        return 0
    with tracker.begin() as connection:
        return connection.execute(
            delete(RASA_EVENTS).where(RASA_EVENTS.c.sender_id == learner)
        ).rowcount


def erase_progress(session: Session, *, learner: str) -> int:
    """The learner's events and pseudonym row; nothing about them is left."""
    removed = session.execute(
        delete(ProgressEvent).where(ProgressEvent.learner_id == learner)
    ).rowcount
    session.execute(delete(Learner).where(Learner.id == learner))
    session.commit()
    return removed


def erase_learner(session: Session, tracker: Engine, *, learner: str) -> tuple[int, int]:
    """Everything about one learner: (progress events, conversation events) removed."""
    return erase_progress(session, learner=learner), erase_conversation(tracker, learner=learner)


def purge(
    session: Session,
    tracker: Engine,
    *,
    now: datetime,
    conversation_days: int,
    progress_days: int,
) -> PurgeReport:
    """Conversations older than their retention; learners inactive longer than theirs."""
    tracker_events = 0
    if _tracker_ready(tracker):
        cutoff = (now - timedelta(days=conversation_days)).timestamp()
        with tracker.begin() as connection:
            tracker_events = connection.execute(
                delete(RASA_EVENTS).where(RASA_EVENTS.c.timestamp < cutoff)
            ).rowcount
    inactive = list(
        session.scalars(
            select(Learner.id).where(Learner.last_seen < now - timedelta(days=progress_days))
        )
    )
    progress_events = 0
    for learner in inactive:
        progress_events += erase_progress(session, learner=learner)
    return PurgeReport(tracker_events, len(inactive), progress_events)
