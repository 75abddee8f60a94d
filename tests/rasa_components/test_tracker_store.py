"""nlu.tracker_store: the conversation Rasa's own SQL store gives, found with work that does not
grow with the learner's past sessions. Runs in .venv-rasa (stdlib unittest), on a temp SQLite file.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import unittest
from pathlib import Path

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from nlu.tracker_store import INDEXES, BoundedSQLTrackerStore

DOMAIN = Domain.empty()


def conversation(sender: str, sessions: int, turns: int = 4) -> DialogueStateTracker:
    """`sessions` sessions of `turns` turns each, timestamps increasing as Rasa writes them."""
    events, clock = [], 1000.0
    for _session in range(sessions):
        events += [ActionExecuted("action_session_start", timestamp=clock),
                   SessionStarted(timestamp=clock + 0.1),
                   ActionExecuted("action_listen", timestamp=clock + 0.2)]  # fmt: skip
        for turn in range(turns):
            clock += 1.0
            events += [UserUttered(f"message {turn}", timestamp=clock),
                       BotUttered(f"reply {turn}", timestamp=clock + 0.1),
                       ActionExecuted("action_listen", timestamp=clock + 0.2)]  # fmt: skip
        clock += 1.0
    return DialogueStateTracker.from_events(sender, events)


def dicts(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [event.as_dict() for event in tracker.events]


class Steps:
    """SQLite virtual-machine steps the store's connections run: the work of its queries."""

    def __init__(self, store: SQLTrackerStore) -> None:
        self.count = 0
        sa.event.listen(store.engine, "connect", self._watch)
        store.engine.dispose()  # connections opened from now on are watched

    def _watch(self, connection, _record) -> None:
        connection.set_progress_handler(self._step, 10)

    def _step(self) -> int:
        self.count += 1
        return 0

    def of_retrieve(self, store: SQLTrackerStore, sender: str) -> int:
        before = self.count
        asyncio.run(store.retrieve(sender))
        return self.count - before


class BoundedSQLTrackerStoreTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.db = str(Path(self.dir.name) / "tracker.db")
        rasa = SQLTrackerStore(DOMAIN, db=self.db)  # the table as Rasa creates it
        for sender, sessions in (("short", 2), ("long", 200)):
            asyncio.run(rasa.save(conversation(sender, sessions)))
        unsessioned = DialogueStateTracker.from_events(
            "unsessioned", [UserUttered("hi", timestamp=5.0), BotUttered("hey", timestamp=6.0)]
        )
        asyncio.run(rasa.save(unsessioned))
        self.rasa = rasa
        self.store = BoundedSQLTrackerStore(DOMAIN, db=self.db)

    def tearDown(self) -> None:
        self.dir.cleanup()

    def test_the_same_events_as_rasas_own_store(self) -> None:
        for sender in ("short", "long", "unsessioned", "nobody"):
            with self.subTest(sender=sender):
                ours = asyncio.run(self.store.retrieve(sender))
                theirs = asyncio.run(self.rasa.retrieve(sender))
                if theirs is None:
                    self.assertIsNone(ours)
                    continue
                self.assertEqual(dicts(ours), dicts(theirs))
                full = asyncio.run(self.store.retrieve_full_tracker(sender))
                self.assertEqual(
                    dicts(full), dicts(asyncio.run(self.rasa.retrieve_full_tracker(sender)))
                )
        # from the latest `session_started` on: itself, `action_listen`, then 4 turns of 3 events
        self.assertEqual(len(dicts(asyncio.run(self.store.retrieve("long")))), 2 + 4 * 3)

    def test_a_new_turn_stores_only_its_own_events(self) -> None:
        tracker = asyncio.run(self.store.retrieve("long"))
        assert tracker is not None
        before = len(dicts(asyncio.run(self.rasa.retrieve_full_tracker("long"))))
        tracker.update(UserUttered("one more", timestamp=10**6))
        asyncio.run(self.store.save(tracker))
        after = dicts(asyncio.run(self.rasa.retrieve_full_tracker("long")))
        self.assertEqual(len(after), before + 1)
        self.assertEqual(after[-1]["text"], "one more")

    def test_finding_the_latest_session_does_not_grow_with_past_sessions(self) -> None:
        ours, theirs = Steps(self.store), Steps(self.rasa)
        short, long = ours.of_retrieve(self.store, "short"), ours.of_retrieve(self.store, "long")
        self.assertLess(long, 1.5 * short)
        # Rasa's own query reads every row of the sender: the check above has teeth
        self.assertGreater(theirs.of_retrieve(self.rasa, "long"), 10 * short)

    def test_sqlite_keeps_one_connection_in_wal_mode(self) -> None:
        opened: list[object] = []
        sa.event.listen(self.store.engine, "connect", lambda conn, _record: opened.append(conn))
        self.store.engine.dispose()
        for turn in range(5):
            tracker = asyncio.run(self.store.retrieve("short"))
            assert tracker is not None
            tracker.update(UserUttered(f"turn {turn}", timestamp=10**6 + turn))
            asyncio.run(self.store.save(tracker))
        self.assertEqual(len(opened), 1)
        with sqlite3.connect(self.db) as db:
            self.assertEqual(db.execute("PRAGMA journal_mode").fetchone()[0], "wal")

    def test_a_tracker_database_rasa_made_gets_the_indexes(self) -> None:
        older = str(Path(self.dir.name) / "older.db")
        with sqlite3.connect(older) as db:  # Rasa 3.6's table and index, nothing else
            db.execute(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                "action_name VARCHAR(255), data TEXT)"
            )
            db.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
        store = BoundedSQLTrackerStore(DOMAIN, db=older)
        names = {index["name"] for index in sa.inspect(store.engine).get_indexes("events")}
        self.assertEqual(names, {"ix_events_sender_id", *(index.name for index in INDEXES)})


if __name__ == "__main__":
    unittest.main()
