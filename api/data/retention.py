"""Erasure on request and retention limits, over the progress database and Rasa's tracker.

Deletes only: what a learner or the retention policy asks to forget. Never copies data out,
and never reports an erasure as done when Rasa's tracker store could not be found.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    CursorResult,
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

from api.data.models import Erasure, Learner, ProgressEvent, utcnow
from api.schemas.learner import ProgressEventIn

# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent): the columns we touch.
RASA_EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("timestamp", Float),
)


class TrackerStoreMissing(RuntimeError):
    """The configured tracker URL holds no Rasa events table: wrong URL, or Rasa elsewhere."""

    def __init__(self, tracker: Engine) -> None:
        where = tracker.url.render_as_string(hide_password=True)
        super().__init__(
            f"Rasa's tracker store has no '{RASA_EVENTS.name}' table at {where}: check "
            "VIGIE_TRACKER_URL (it must be the database Rasa's endpoints file names)"
        )


@dataclass(frozen=True)
class PurgeReport:
    tracker_events: int
    learners: int
    progress_events: int
    erasures: int = 0
    tracker_found: bool = True


def _tracker_ready(tracker: Engine) -> bool:
    """Rasa creates its table on first start; before that there is nothing to delete."""
    return inspect(tracker).has_table(RASA_EVENTS.name)


def erase_conversation(tracker: Engine, *, learner: str) -> int:
    """A learner who asks to be forgotten has talked to Rasa, so its table must be there: if it
    is not, the URL is wrong and the erasure fails loudly (TrackerStoreMissing)."""
    if not _tracker_ready(tracker):
        raise TrackerStoreMissing(tracker)
    with tracker.begin() as connection:
        return connection.execute(
            delete(RASA_EVENTS).where(RASA_EVENTS.c.sender_id == learner)
        ).rowcount


def _deleted(result: object) -> int:
    """How many rows a DELETE run by the ORM session removed: the session types its result as
    a plain Result, but a DELETE's is a CursorResult, which has the count."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"a DELETE returned a {type(result).__name__}, not a CursorResult")
    return result.rowcount


def erase_progress(session: Session, *, learner: str) -> int:
    """The learner's events and pseudonym row; nothing about them is left."""
    removed = _deleted(
        session.execute(delete(ProgressEvent).where(ProgressEvent.learner_id == learner))
    )
    session.execute(delete(Learner).where(Learner.id == learner))
    session.commit()
    return removed


def _hash(learner: str) -> str:
    return hashlib.sha256(learner.encode()).hexdigest()


def remember_erasure(session: Session, *, learner: str) -> None:
    """Keep a hash of the pseudonym and the time: events of this learner that occurred before
    it, still waiting in any action server's outbox, are dropped when they arrive."""
    row = session.get(Erasure, _hash(learner))
    if row is None:
        session.add(Erasure(learner_hash=_hash(learner), erased_at=utcnow()))
    else:
        row.erased_at = utcnow()
    session.commit()


def drop_erased(
    session: Session, events: Sequence[ProgressEventIn]
) -> tuple[list[ProgressEventIn], int]:
    """The events to store, and how many were dropped: those of an erased learner that
    occurred before the erasure (a learner who comes back afterwards is a new start)."""
    hashes = {_hash(e.learner): e.learner for e in events if e.learner is not None}
    if not hashes:
        return list(events), 0
    erased = {
        hashes[row.learner_hash]: row.erased_at
        for row in session.scalars(select(Erasure).where(Erasure.learner_hash.in_(hashes)))
    }
    kept = [
        event
        for event in events
        if event.learner not in erased
        or event.occurred_at.astimezone(UTC) > _aware(erased[event.learner])
    ]
    return kept, len(events) - len(kept)


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes (stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def erase_learner(session: Session, tracker: Engine, *, learner: str) -> tuple[int, int]:
    """Everything about one learner: (progress events, conversation events) removed, and the
    erasure remembered for the events still on their way. Raises TrackerStoreMissing (after
    erasing the progress) when the conversation cannot be reached."""
    remember_erasure(session, learner=learner)
    return erase_progress(session, learner=learner), erase_conversation(tracker, learner=learner)


def purge(
    session: Session,
    tracker: Engine,
    *,
    now: datetime,
    conversation_days: int,
    progress_days: int,
    erasure_days: int = 30,
) -> PurgeReport:
    """Conversations older than their retention; learners inactive longer than theirs; erasure
    records once no outbox can still hold an event from before them."""
    tracker_events = 0
    tracker_found = _tracker_ready(tracker)
    if tracker_found:
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
    erasures = _deleted(
        session.execute(
            delete(Erasure).where(Erasure.erased_at < now - timedelta(days=erasure_days))
        )
    )
    session.commit()
    return PurgeReport(tracker_events, len(inactive), progress_events, erasures, tracker_found)
