"""Durable outbox: progress events wait in a SQLite file until the API has stored them.

Never drops an event the API has not acknowledged; never holds free text (events have none).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# What sending a batch can end in: delivered (delete), rejected (park), or retry later.
DELIVERED, REJECTED, RETRY = "delivered", "rejected", "retry"
Sender = Callable[[list[dict[str, Any]]], str]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    learner TEXT,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS rejected (id TEXT PRIMARY KEY, body TEXT NOT NULL, at REAL NOT NULL);
"""


class OutboxError(Exception):
    """The outbox file cannot be written (disk full, permissions): the caller must say so."""


class Outbox:
    def __init__(
        self,
        path: Path,
        send: Sender,
        batch_size: int,
        max_backoff: float,
        keep_rejected_seconds: float = 30 * 86400,
    ) -> None:
        self._path = path
        self._send = send
        self._batch_size = batch_size
        self._max_backoff = max_backoff
        # parked events name a learner: kept for an operator to look at, then deleted
        self._keep_rejected = keep_rejected_seconds
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = False
        try:
            self._prepare()
        except OutboxError as error:
            # Not fatal: every turn still gets its answers, and says its progress is not saved.
            log.error("the progress outbox cannot be opened yet: %s", error)

    def _prepare(self) -> None:
        """Create the directory and the tables once; retried until it works (disk freed…)."""
        if self._ready:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise OutboxError(f"{type(error).__name__}: {error}") from error
        self._ready = True

    def _connect(self) -> sqlite3.Connection:
        # Default isolation: each `with db:` block is one transaction (one fsync per batch,
        # not per row); WAL + synchronous=NORMAL survives a process crash.
        db = sqlite3.connect(self._path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def put(self, events: Sequence[dict[str, Any]]) -> None:
        """Store events durably (idempotent on id), then wake the sender."""
        rows = [(e["id"], e.get("learner"), json.dumps(e), time.time()) for e in events]
        self._prepare()
        try:
            with self._lock, self._connect() as db:
                db.executemany(
                    "INSERT OR IGNORE INTO outbox (id, learner, body, next_try) VALUES (?,?,?,?)",
                    rows,
                )
        except sqlite3.Error as error:
            raise OutboxError(str(error)) from error
        self._ensure_thread()
        self._wake.set()

    def forget(self, learner: str) -> None:
        """Drop the pending and parked events of a learner who asked to be forgotten."""
        self._prepare()
        try:
            with self._lock, self._connect() as db:
                db.execute("DELETE FROM outbox WHERE learner = ?", (learner,))
                db.execute(
                    "DELETE FROM rejected WHERE json_extract(body, '$.learner') = ?", (learner,)
                )
        except sqlite3.Error as error:
            raise OutboxError(str(error)) from error

    def pending(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def flush_once(self) -> int:
        """Send one batch of due events; returns how many left the outbox."""
        with self._connect() as db:
            due = db.execute(
                "SELECT id, body, attempts FROM outbox WHERE next_try <= ? ORDER BY rowid LIMIT ?",
                (time.time(), self._batch_size),
            ).fetchall()
        if not due:
            return 0
        outcome = self._send([json.loads(body) for _, body, _ in due])
        if outcome == REJECTED and len(due) > 1:
            # One bad event must not block the others: find it by sending one at a time.
            return sum(self._settle([row], self._send([json.loads(row[1])])) for row in due)
        return self._settle(due, outcome)

    def _settle(self, rows: list[tuple[str, str, int]], outcome: str) -> int:
        with self._lock, self._connect() as db:
            if outcome == DELIVERED:
                db.executemany("DELETE FROM outbox WHERE id = ?", [(row[0],) for row in rows])
                return len(rows)
            if outcome == REJECTED:
                now = time.time()
                db.execute("DELETE FROM rejected WHERE at < ?", (now - self._keep_rejected,))
                db.execute("INSERT OR REPLACE INTO rejected VALUES (?,?,?)", (*rows[0][:2], now))
                db.execute("DELETE FROM outbox WHERE id = ?", (rows[0][0],))
                log.warning("a progress event was rejected by the API and parked")
                return 1
            delay = min(self._max_backoff, 0.5 * 2 ** min(row[2] for row in rows))
            db.executemany(
                "UPDATE outbox SET attempts = attempts + 1, next_try = ? WHERE id = ?",
                [(time.time() + delay, row[0]) for row in rows],
            )
        return 0

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                sent = self.flush_once()
            except Exception:  # keep retrying whatever happens; the events are safe on disk
                log.exception("outbox flush failed")
                sent = 0
            if not sent:
                self._wake.wait(timeout=1.0)
                self._wake.clear()
