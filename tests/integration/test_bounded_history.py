"""A class hour, not a first minute: what one message makes Rasa load stays bounded.

Plays one learner for 300 turns through /chat and reads Rasa's own tracker table after each
turn: the events Rasa loads (and sends to the action server) are those since the latest session
start, exactly as its SQLTrackerStore selects them.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from actions.settings import ActionSettings
from api.data import retention
from scenarios.loader import default_catalogue
from tests.conftest import Stack
from tests.integration.test_foundation import learner_of, new_session, say
from tests.play import choose, right_answers, scores

pytestmark = pytest.mark.integration

TURNS = 300
WINDOW = 30
LIMIT = ActionSettings().session_event_limit
# Rasa's query (rasa/core/tracker_store.py, SQLTrackerStore._event_query): the latest session.
LOADED = """
SELECT COUNT(*) FROM events
WHERE sender_id = :sender AND (
  timestamp >= (SELECT MAX(timestamp) FROM events
                WHERE sender_id = :sender AND type_name = 'session_started')
  OR NOT EXISTS (SELECT 1 FROM events
                 WHERE sender_id = :sender AND type_name = 'session_started'))
"""


def plan() -> Iterator[str]:
    """Scenario after scenario, every step answered right, as a learner clicking through."""
    catalogue = default_catalogue()
    for scenario_id in itertools.cycle(sorted(catalogue.scenarios)):
        scenario = catalogue.scenarios[scenario_id]
        yield choose(scenario.id)
        for _step, messages in right_answers(scenario):
            yield from messages


def loaded(stack: Stack, sender: str) -> int:
    """How many events Rasa loads for the sender's next message."""
    with sqlite3.connect(stack.var_dir / "rasa_tracker.db") as db:
        return db.execute(LOADED, {"sender": sender}).fetchone()[0]


def tracker_rows(stack: Stack, sender: str, kind: str | None = None) -> int:
    query = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
    values: tuple[str, ...] = (sender,)
    if kind is not None:
        query += " AND type_name = ?"
        values += (kind,)
    with sqlite3.connect(stack.var_dir / "rasa_tracker.db") as db:
        return db.execute(query, values).fetchone()[0]


def test_a_long_conversation_loads_no_more_at_turn_300_than_at_turn_30(stack: Stack) -> None:
    token = new_session(stack)
    sender = learner_of(stack, token)
    messages = plan()
    counts: list[int] = []
    scored: list[dict] = []
    for _turn in range(TURNS):
        scored += scores(say(stack, token, next(messages)))
        counts.append(loaded(stack, sender))

    early, late = counts[:WINDOW], counts[-WINDOW:]
    one_turn = max(after - before for before, after in itertools.pairwise(counts))
    # the early window already reached the cap, and the late one never goes past it
    assert max(early) >= LIMIT
    assert max(late) <= LIMIT + one_turn
    assert max(late) <= max(early) + one_turn
    # a new session at turn 300 starts from as few events as one at turn 30
    assert min(late) == min(early)
    # the history is still kept (retention and erasure cover it), only not reloaded
    assert tracker_rows(stack, sender) > 3 * max(counts)
    assert tracker_rows(stack, sender, "session_started") >= TURNS // 20

    # the learner's place survived every boundary: every step of every scenario scored, in
    # order, none skipped or repeated
    catalogue = default_catalogue()
    played = [(s["scenario"], s["step"]) for s in scored]
    finished = [key for key, _ in itertools.groupby(played, key=lambda pair: pair[0])][:-1]
    assert len(finished) >= 10
    position = 0
    for scenario_id in finished:
        steps = [step.id for step in catalogue.scenarios[scenario_id].steps]
        assert [step for _, step in played[position : position + len(steps)]] == steps
        position += len(steps)


def snapshot(source: Path, target: Path) -> Path:
    """A consistent copy of a live SQLite database (other tests share the stack's files)."""
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    return target


def test_erasure_and_retention_reach_every_session(stack: Stack, tmp_path: Path) -> None:
    token = new_session(stack)
    sender = learner_of(stack, token)
    messages = plan()
    for _turn in range(40):
        say(stack, token, next(messages))
    assert tracker_rows(stack, sender, "session_started") >= 2

    # retention, on a copy: 31 days later every session of the conversation is past 30 days
    tracker_copy = snapshot(stack.var_dir / "rasa_tracker.db", tmp_path / "tracker.db")
    progress_copy = snapshot(stack.var_dir / "vigie.db", tmp_path / "vigie.db")
    tracker = create_engine(f"sqlite:///{tracker_copy}")
    with Session(create_engine(f"sqlite:///{progress_copy}")) as session:
        retention.purge(
            session,
            tracker,
            now=datetime.now(UTC) + timedelta(days=31),
            conversation_days=30,
            progress_days=365,
        )
    with sqlite3.connect(tracker_copy) as db:
        query = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
        assert db.execute(query, (sender,)).fetchone()[0] == 0

    other = new_session(stack)
    other_sender = learner_of(stack, other)
    for _turn in range(40):
        say(stack, other, next(messages))
    assert tracker_rows(stack, other_sender, "session_started") >= 2
    say(stack, other, "/forget_me")
    say(stack, other, "/affirm")
    assert tracker_rows(stack, other_sender) == 0
