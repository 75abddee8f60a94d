"""The delayed re-test on Telegram: one message a week after the learner said yes, with a button
that starts quiz form C. Each re-test is a job of the Application's JobQueue, kept in the
bridge's own small SQLite store so that it survives a restart (re-scheduled at start).

Keeps only the chat id, the due time and a pseudonym prefix (for logs); a row is deleted once
its message is sent, on /oubli and by the retention purge. Never keeps what a learner wrote.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ContextTypes, JobQueue

from bot.channel import short
from bot.state import Choice
from vigie.clock import Now
from vigie.data_files import DataModel, load_yaml
from vigie.protocol import RETEST_PAYLOAD

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Jobs = JobQueue[Context]
# (context, chat id, text, keyboard) → sent?
Send = Callable[[Context, int, str, InlineKeyboardMarkup], Awaitable[bool]]

STORE_FILE = "telegram_retests.db"
TEXTS_FILE = Path(__file__).resolve().parent / "retest.yml"
# The reminder's button carries this fixed callback data, not a key of the in-memory keyboard
# store: it still works after a restart.
BUTTON_DATA = "retest"
PURGE_EVERY = timedelta(hours=6)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS retest (
    chat_id INTEGER PRIMARY KEY,
    due TEXT NOT NULL,
    learner TEXT NOT NULL
)
"""


class RetestTexts(DataModel):
    """bot/retest.yml: the reminder and its button."""

    reminder: str
    button: str


@dataclass(frozen=True)
class Planned:
    chat_id: int
    due: datetime
    learner: str  # a pseudonym prefix, for logs


class RetestStore:
    """chat id → due time (UTC) and pseudonym prefix, in a SQLite file of the state directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._db() as db:
            db.execute(_SCHEMA)
        path.chmod(0o600)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def put(self, planned: Planned) -> None:
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO retest (chat_id, due, learner) VALUES (?, ?, ?)",
                (planned.chat_id, planned.due.isoformat(), planned.learner),
            )

    def remove(self, chat_id: int) -> bool:
        with self._db() as db:
            return db.execute("DELETE FROM retest WHERE chat_id = ?", (chat_id,)).rowcount > 0

    def get(self, chat_id: int) -> Planned | None:
        return next((p for p in self.all() if p.chat_id == chat_id), None)

    def all(self) -> list[Planned]:
        with self._db() as db:
            rows = db.execute("SELECT chat_id, due, learner FROM retest ORDER BY due").fetchall()
        return [Planned(chat, datetime.fromisoformat(due), learner) for chat, due, learner in rows]

    def purge(self, before: datetime) -> int:
        """Forget the re-tests due before `before` and never sent (the bridge was down)."""
        with self._db() as db:
            stale = [p.chat_id for p in self.all() if p.due < before]
            db.executemany("DELETE FROM retest WHERE chat_id = ?", [(c,) for c in stale])
        return len(stale)


def job_name(chat_id: int) -> str:
    return f"retest:{chat_id}"


def read_due(custom: dict[str, Any]) -> datetime | None:
    """The due time of a `retest` custom message; None for « no re-test any more »."""
    due = custom.get("due")
    if not isinstance(due, str):
        return None
    parsed = datetime.fromisoformat(due)
    if parsed.tzinfo is None:
        raise ValueError("a re-test's due time must carry its time zone")
    return parsed


class Retests:
    """Schedules, re-schedules at start, sends once and forgets the learners' re-tests."""

    def __init__(self, store: RetestStore, now: Now, retention: timedelta) -> None:
        self.store = store
        self.now = now
        self.retention = retention
        self.texts = load_yaml(TEXTS_FILE, RetestTexts)
        self._jobs: Jobs | None = None
        self._send: Send | None = None

    def start(self, jobs: Jobs, send: Send) -> None:
        """Purge what is too old, schedule every stored re-test, and purge regularly."""
        self._jobs, self._send = jobs, send
        self.purge()
        for planned in self.store.all():
            self._schedule(planned)
        jobs.run_repeating(self._purge_job, interval=PURGE_EVERY, first=PURGE_EVERY)

    def purge(self) -> int:
        """The retention purge: a re-test not sent within the conversation retention period
        after its due time is forgotten (its conversation is gone by then)."""
        purged = self.store.purge(self.now() - self.retention)
        if purged:
            log.info("%d stale re-test(s) forgotten", purged)
        return purged

    async def _purge_job(self, _context: Context) -> None:
        self.purge()

    def handle(self, chat_id: int, learner: str, custom: dict[str, Any]) -> None:
        """A `retest` message from the engine: schedule it, or cancel it (`"due": null`)."""
        try:
            due = read_due(custom)
        except ValueError:
            log.warning("an unreadable re-test date for learner %s: ignored", short(learner))
            return
        if due is None:
            self.cancel(chat_id)
            return
        planned = Planned(chat_id, due, short(learner))
        self.store.put(planned)
        self._schedule(planned)
        log.info("re-test scheduled for learner %s", planned.learner)

    def cancel(self, chat_id: int) -> None:
        """Forget the chat's re-test: its job and its row (/oubli, « no re-test any more »)."""
        if self._jobs is not None:
            for job in self._jobs.get_jobs_by_name(job_name(chat_id)):
                job.schedule_removal()
        self.store.remove(chat_id)

    def button(self, data: str) -> Choice | None:
        """The reminder's button pressed (before or after a restart): what goes to Rasa."""
        return Choice(self.texts.button, RETEST_PAYLOAD) if data == BUTTON_DATA else None

    def _schedule(self, planned: Planned) -> None:
        assert self._jobs is not None, "the re-tests were not started"
        for job in self._jobs.get_jobs_by_name(job_name(planned.chat_id)):
            job.schedule_removal()
        # the bridge's clock decides how long to wait (a test moves it); overdue: at once
        wait = max(0.0, (planned.due - self.now()).total_seconds())
        self._jobs.run_once(
            self._fire, wait, chat_id=planned.chat_id, name=job_name(planned.chat_id)
        )

    async def _fire(self, context: Context) -> None:
        """Send the reminder once; the row goes whatever happens (blocked bot: no retry)."""
        job = context.job
        chat_id = job.chat_id if job is not None else None
        if chat_id is None or self._send is None:
            return
        planned = self.store.get(chat_id)
        if planned is None:  # cancelled meanwhile
            return
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(self.texts.button, callback_data=BUTTON_DATA)]]
        )
        sent = await self._send(context, chat_id, self.texts.reminder, keyboard)
        self.store.remove(chat_id)
        log.info(
            "re-test reminder %s for learner %s", "sent" if sent else "dropped", planned.learner
        )
