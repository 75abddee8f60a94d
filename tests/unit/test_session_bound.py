"""The session bound: when a new Rasa session starts, and what it carries over."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.session_bound import (
    ActionCompactSessionStart,
    events_in_session,
    session_boundary,
)


def _events(count: int, *, after_start: bool) -> list[dict]:
    head = [{"event": "user"}] * 50 + ([{"event": "session_started"}] if after_start else [])
    return head + [{"event": "bot"}] * count


def test_counts_only_the_events_after_the_latest_session_start() -> None:
    assert events_in_session(_events(7, after_start=True)) == 7
    assert events_in_session(_events(7, after_start=False)) == 57
    assert events_in_session([]) == 0


def test_asks_for_a_new_session_only_once_the_limit_is_reached() -> None:
    assert session_boundary(_events(79, after_start=True), 80) == []
    assert session_boundary(_events(80, after_start=True), 80) == [
        {"event": "followup", "timestamp": None, "name": "action_session_start"}
    ]
    assert session_boundary(_events(500, after_start=True), 0) == []  # 0 turns it off


def test_the_new_session_carries_each_slot_value_once() -> None:
    slot_sets = [
        {"event": "slot", "name": "vigie_state", "value": {"step": step}} for step in range(30)
    ]
    tracker = Tracker(
        sender_id="learner",
        slots={"vigie_state": {"step": 29}, "plain_language": True, "unused": None},
        latest_message={},
        events=[{"event": "session_started"}, *slot_sets],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_vigie",
    )
    events = asyncio.run(ActionCompactSessionStart().run(CollectingDispatcher(), tracker, {}))
    assert [event["event"] for event in events] == ["session_started", "slot", "slot", "action"]
    assert {event["name"]: event["value"] for event in events if event["event"] == "slot"} == {
        "vigie_state": {"step": 29},
        "plain_language": True,
    }
    assert events[-1]["name"] == "action_listen"
