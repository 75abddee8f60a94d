"""Keeps the work Rasa does per message bounded: a new Rasa session once the current one is long.

Rasa loads, replays and sends to this server every event since the latest session start, so a
class hour of 400 turns made each reply ~7 × slower. Ending the session every few turns (Rasa's
own `action_session_start`, which carries the slots over) bounds that work; the learner's place
lives in the carried `vigie_state` slot, so nothing is lost. Never drops or rewrites an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

SESSION_START: Final = "action_session_start"
SESSION_STARTED: Final = "session_started"
LISTEN: Final = "action_listen"


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


class ActionCompactSessionStart(Action):
    """Rasa's session start, carrying each slot's current value once.

    Rasa's own carries over every `SlotSet` of the session that ends, so each new session
    started heavier than the last (+2 events a turn) and the bound did not hold.
    """

    def name(self) -> str:
        return SESSION_START

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        carried = [
            SlotSet(slot, value) for slot, value in tracker.slots.items() if value is not None
        ]
        return [SessionStarted(), *carried, ActionExecuted(LISTEN)]
