"""Rasa's SQL tracker store, with work per message that does not grow with the conversation.

Runs inside Rasa (endpoints.yml `type:`). Same table, same rows, same answers as Rasa's own
SQLTrackerStore; it never changes what is stored or deleted, only how the latest session is found.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from sqlalchemy.orm import Query, Session

log = logging.getLogger(__name__)

EVENTS = SQLTrackerStore.SQLEvent.__table__
# Rasa indexes `sender_id` only, so finding the latest session start, then its events, read
# every row the learner ever had: two such scans per message, longer at each turn.
INDEXES = (
    sa.Index("ix_events_sender_type_time", EVENTS.c.sender_id, EVENTS.c.type_name,
             EVENTS.c.timestamp),
    sa.Index("ix_events_sender_time", EVENTS.c.sender_id, EVENTS.c.timestamp),
)  # fmt: skip


class BoundedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose latest-session query is two index seeks, not two scans."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in INDEXES:
            try:
                index.create(self.engine, checkfirst=True)
            except sa.exc.SQLAlchemyError as error:  # another replica created it first
                log.warning("tracker index %s not created here: %s", index.name, error)

    def _event_query(
        self, session: Session, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Query:
        """Rasa's rows (events since the latest session start, or all), found by index:
        the start first (one seek), then the events at or after it (one range)."""
        event = self.SQLEvent
        query = session.query(event).filter(event.sender_id == sender_id)
        if not fetch_events_from_all_sessions:
            start = (
                session.query(sa.func.max(event.timestamp))
                .filter(event.sender_id == sender_id, event.type_name == SessionStarted.type_name)
                .scalar()
            )
            if start is not None:
                query = query.filter(event.timestamp >= start)
        return query.order_by(event.id)
