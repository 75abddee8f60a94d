"""Rasa's SQL tracker store, with work per message that does not grow with the conversation.

Runs inside Rasa (endpoints.yml `type:`). Same table, same rows, same answers as Rasa's own
SQLTrackerStore; it never changes what is stored or deleted, only how it is found and written.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore  # type: ignore[import-not-found]
from rasa.shared.core.events import SessionStarted  # type: ignore[import-not-found]
from sqlalchemy.orm import Query, Session, sessionmaker
from sqlalchemy.pool import QueuePool

# Rasa is installed in .venv-rasa only: the app environment's type checker sees it as Any.

log = logging.getLogger(__name__)

EVENTS = SQLTrackerStore.SQLEvent.__table__
# Rasa indexes `sender_id` only, so finding the latest session start, then its events, read
# every row the learner ever had: two such scans per message, longer at each turn.
INDEXES = (
    sa.Index("ix_events_sender_type_time", EVENTS.c.sender_id, EVENTS.c.type_name,
             EVENTS.c.timestamp),
    sa.Index("ix_events_sender_time", EVENTS.c.sender_id, EVENTS.c.timestamp),
)  # fmt: skip


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL, as the API's engine on the same file sets it; `synchronous=NORMAL` under WAL: a
    commit survives a crash of the process (only a power cut can lose the last ones)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class BoundedSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """`SQLTrackerStore` whose latest-session query is two index seeks, not two scans; on
    SQLite, one kept connection (Rasa's opens a new one for each load and each save)."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url, poolclass=QueuePool, pool_size=1, connect_args={"check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sessionmaker(bind=self.engine)
        for index in INDEXES:
            try:
                index.create(self.engine, checkfirst=True)
            except sa.exc.SQLAlchemyError as error:  # another replica created it first
                log.warning("tracker index %s not created here: %s", index.name, error)

    def _event_query(
        self, session: Session, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Query[Any]:
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
