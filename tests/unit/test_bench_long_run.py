"""bench/long_run.py without a stack: cloned conversations, what Rasa would load, the report.

The timed runs themselves are `make bench`'s; these check what their figures rest on.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from pathlib import Path

import pytest

from bench import side_by_side
from bench.load import vigie_plans
from bench.long_run import (
    BEGIN,
    END,
    Block,
    FloorTarget,
    LongRun,
    clone_rows,
    loaded_per_message,
    long_table,
    skip,
    tracker_rows,
)

# Rasa 3.6's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent)
EVENTS = """CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY,
sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT,
intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def conversation(db: Path, sender: str, kinds: list[str]) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(EVENTS)
        conn.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            [(sender, kind, 100.0 + i, f'{{"n": {i}}}') for i, kind in enumerate(kinds)],
        )


def test_clones_hold_the_same_conversation_and_the_donor_is_untouched(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    conversation(db, "donor", ["action", "user", "session_started", "user", "slot"])
    conversation(db, "someone-else", ["user"])
    donor = tracker_rows(db, "donor")

    clone_rows(db, donor, ["a", "b"])

    assert tracker_rows(db, "a") == tracker_rows(db, "b") == donor
    assert tracker_rows(db, "donor") == donor
    assert len(tracker_rows(db, "someone-else")) == 1


def test_rasa_loads_the_latest_session_only() -> None:
    rows = [(kind, float(t), None, None, "{}") for t, kind in enumerate("abcdef")]
    assert loaded_per_message(rows) == 6  # no session start yet: everything
    rows[1] = ("session_started", 1.0, None, None, "{}")
    rows[4] = ("session_started", 4.0, None, None, "{}")
    assert loaded_per_message(rows) == 2


def test_a_vigie_clone_continues_the_plan_where_the_donor_was() -> None:
    donor = vigie_plans(1, 7)[0]
    played = list(itertools.islice(donor, 120))
    clone = skip(vigie_plans(1, 7)[0], 100)
    assert list(itertools.islice(clone, 20)) == played[100:]


def test_a_floor_clone_continues_the_script_under_its_own_sender() -> None:
    target = FloorTarget("floor", "http://127.0.0.1:1", Path("unused"))
    donor = target.learner(5)
    played = [next(donor.messages) for _ in range(45)]
    clones = asyncio.run(target.continuing(3, 40))
    assert len({clone.sender for clone in clones} | {donor.sender}) == 4
    for clone in clones:
        assert [next(clone.messages) for _ in range(5)] == played[40:]


def test_the_long_table_gives_the_last_block_over_the_first() -> None:
    def run(label: str, medians: list[float]) -> LongRun:
        blocks = [Block(50 * i, [m / 1000] * 50, 0, {"rasa": m / 2}) for i, m in enumerate(medians)]
        return LongRun(label, blocks, ("1.0", "1.2"), 400, 400, [])

    table = long_table(run("floor", [40, 80, 200]), run("Vigie", [50, 52, 55]))
    assert "| 100–149 | 200 | 100 | 55 | rasa 28 (**28**) | 0.28 |" in table
    assert "**× 5.00**" in table and "**× 1.10**" in table


def test_its_block_leaves_the_side_by_side_block_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# B\n\n{side_by_side.BEGIN}\nold\n{side_by_side.END}\n\ntext\n")
    monkeypatch.setattr(side_by_side, "DOC", doc)

    side_by_side.write_doc(f"{BEGIN}\nfirst\n{END}", BEGIN, END)
    side_by_side.write_doc(f"{BEGIN}\nsecond\n{END}", BEGIN, END)

    text = doc.read_text()
    assert f"{side_by_side.BEGIN}\nold\n{side_by_side.END}" in text
    assert f"{BEGIN}\nsecond\n{END}" in text and "first" not in text
