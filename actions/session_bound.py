"""Keeps the work Rasa does per message bounded: a new Rasa session once the current one is long.

Rasa loads, replays and sends to this server every event since the latest session start, so a
class hour of 400 turns made each reply ~7 × slower. Ending the session every few turns (Rasa's
own `action_session_start`, which carries the slots over) bounds that work; the learner's place
lives in the carried `vigie_state` slot, so nothing is lost. Never drops or rewrites an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from rasa_sdk.events import EventType, FollowupAction

SESSION_START: Final = "action_session_start"
SESSION_STARTED: Final = "session_started"


def events_in_session(events: Iterable[Mapping[str, Any]]) -> int:
    """How many of the tracker's events came after its latest session start (Rasa's own cut)."""
    count = 0
    for event in events:
        count = 0 if event.get("event") == SESSION_STARTED else count + 1
    return count


def session_boundary(events: Iterable[Mapping[str, Any]], limit: int) -> list[EventType]:
    """A follow-up `action_session_start` once the session holds `limit` events or more."""
    if limit > 0 and events_in_session(events) >= limit:
        return [FollowupAction(SESSION_START)]
    return []
