"""The outbox's own rules, driven by `flush_once` with a scripted API (no thread, no process)."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path

from actions.outbox import DELIVERED, REJECTED, RETRY, Outbox

ALICE, BOB = "a" * 64, "b" * 64


def event(learner: str, kind: str = "hint_used") -> dict:
    return {"id": str(uuid.uuid4()), "type": kind, "learner": learner}


class ScriptedApi:
    """Answers each batch with the next outcome; refuses any batch holding a 'bad' event."""

    def __init__(self, *outcomes: str) -> None:
        self.outcomes = list(outcomes)
        self.batches: list[list[dict]] = []

    def __call__(self, batch: list[dict]) -> str:
        self.batches.append(batch)
        if any(e["type"] == "bad" for e in batch):
            return REJECTED
        return self.outcomes.pop(0) if self.outcomes else DELIVERED


def rows(path: Path, table: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT * FROM {table}").fetchall()


def make(tmp_path: Path, api: ScriptedApi, **kwargs: float) -> Outbox:
    outbox = Outbox(tmp_path / "outbox.db", api, 10, 30.0, **kwargs)
    outbox._ensure_thread = lambda: None  # type: ignore[method-assign]  # no thread: the test flushes
    return outbox


def test_a_put_is_idempotent_and_a_delivery_empties_the_outbox(tmp_path: Path) -> None:
    api = ScriptedApi()
    outbox = make(tmp_path, api)
    first = event(ALICE)
    outbox.put([first, event(ALICE)])
    outbox.put([first])  # a retried turn: same id, stored once
    assert outbox.pending() == 2
    assert outbox.flush_once() == 2
    assert outbox.pending() == 0 and len(api.batches) == 1


def test_an_outage_backs_off_and_keeps_every_event(tmp_path: Path) -> None:
    api = ScriptedApi(RETRY)
    outbox = make(tmp_path, api)
    outbox.put([event(ALICE)])
    assert outbox.flush_once() == 0
    (_, _, _, attempts, next_try) = rows(tmp_path / "outbox.db", "outbox")[0]
    assert attempts == 1 and next_try > time.time()
    assert outbox.flush_once() == 0 and len(api.batches) == 1  # not due yet: nothing sent


def test_one_refused_event_is_parked_and_the_others_delivered(tmp_path: Path) -> None:
    api = ScriptedApi()
    outbox = make(tmp_path, api)
    bad = event(ALICE, "bad")
    outbox.put([event(ALICE), bad, event(BOB)])
    assert outbox.flush_once() == 3
    assert outbox.pending() == 0
    assert [row[0] for row in rows(tmp_path / "outbox.db", "rejected")] == [bad["id"]]


def test_forgetting_a_learner_drops_their_pending_and_parked_events_only(tmp_path: Path) -> None:
    outbox = make(tmp_path, ScriptedApi())
    outbox.put([event(ALICE, "bad"), event(BOB, "bad")])
    outbox.flush_once()
    outbox.put([event(ALICE), event(BOB)])
    outbox.forget(ALICE)
    path = tmp_path / "outbox.db"
    assert [row[1] for row in rows(path, "outbox")] == [BOB]
    assert [BOB in row[1] for row in rows(path, "rejected")] == [True]


def test_parked_events_older_than_the_retention_are_deleted(tmp_path: Path) -> None:
    outbox = make(tmp_path, ScriptedApi(), keep_rejected_seconds=60)
    outbox.put([event(ALICE, "bad")])
    outbox.flush_once()
    path = tmp_path / "outbox.db"
    with sqlite3.connect(path) as db:
        db.execute("UPDATE rejected SET at = at - 61")
    outbox.put([event(BOB, "bad")])
    outbox.flush_once()
    assert [BOB in row[1] for row in rows(path, "rejected")] == [True]
