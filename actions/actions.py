"""Rasa SDK custom actions: read the tracker, call the engine, send replies and events.

Thin by design: the logic is in `engine`; this module never logs what a learner typed.
"""

from __future__ import annotations

import asyncio
import logging
from functools import cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import credentials
from actions.conversation import Message, Outcome, State, Turn
from actions.engine import Engine
from actions.outbox import Outbox, OutboxError
from actions.reporter import ApiSender, Reporter
from actions.session_bound import session_boundary
from actions.settings import ActionSettings, get_settings
from scenarios.loader import IMAGES_DIR, CatalogueError, default_catalogue

log = logging.getLogger(__name__)
STATE_SLOT = "vigie_state"
PLAIN_SLOT = "plain_language"


def _detect(text: str) -> list[str]:
    from actions.scoring import detect_criteria  # loads spaCy on first open answer only

    return detect_criteria(text)


@cache
def engine() -> Engine:
    try:
        catalogue = default_catalogue()
    except CatalogueError as error:
        # Refuse to start on an invalid scenario file, saying exactly what is wrong.
        raise SystemExit("Invalid scenario catalogue:\n" + "\n".join(error.problems)) from error
    return Engine(catalogue, _detect, get_settings().now())


@cache
def reporter() -> Reporter:
    settings = get_settings()
    outbox = Outbox(
        settings.effective_outbox_path,
        ApiSender(settings),
        settings.outbox_batch_size,
        settings.outbox_max_backoff_seconds,
        keep_rejected_seconds=settings.outbox_rejected_retention_days * 86400,
    )
    return Reporter(outbox)


def turn_from(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    entities = {
        entity["entity"]: str(entity.get("value", ""))
        for entity in message.get("entities") or []
        if "entity" in entity
    }
    return Turn(
        intent=intent.get("name") or "nlu_fallback",
        confidence=float(intent.get("confidence") or 0.0),
        text=message.get("text") or "",
        entities=entities,
        message_id=str(message.get("message_id") or len(tracker.events)),
    )


def image_url(settings: ActionSettings, file: str) -> str | None:
    if not (IMAGES_DIR / file).exists():
        return None
    return f"{settings.base_url}/scenario-images/{file}"


def render(message: Message, dispatcher: CollectingDispatcher, settings: ActionSettings) -> None:
    """One engine message. A message with a picture (the item, a move's result card) is ONE
    custom message carrying the picture's URL, or its text response when the picture file is
    missing (never both)."""
    if message.image:
        url = image_url(settings, message.image)
        if url and message.custom:
            dispatcher.utter_message(json_message={**message.custom, "image": url})
            return
    kwargs: dict[str, Any] = dict(message.variables)
    if message.response:
        dispatcher.utter_message(
            response=message.response, buttons=message.buttons or None, **kwargs
        )
    elif message.text:
        dispatcher.utter_message(text=message.text, buttons=message.buttons or None)
    if message.custom and not message.image:
        dispatcher.utter_message(json_message=message.custom)


def save_progress(learner: str, outcome: Outcome) -> None:
    """Durably queue the turn's events, or erase the learner's pending ones."""
    reporter().record(learner, outcome.events)
    if outcome.erase:
        reporter().forget(learner)


class ActionVigie(Action):
    """Every training turn goes through here: the engine decides, this action delivers."""

    def name(self) -> str:
        return "action_vigie"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        state = State.model_validate(tracker.get_slot(STATE_SLOT) or {})
        outcome = engine().handle(state, turn_from(tracker))
        settings = get_settings()
        for message in outcome.messages:
            render(
                await credentials.fulfil(message, tracker.sender_id, settings), dispatcher, settings
            )
        try:
            if outcome.events or outcome.erase:
                # a SQLite commit (and the outbox lock): off the event loop
                await asyncio.to_thread(save_progress, tracker.sender_id, outcome)
        except OutboxError:
            log.error("the progress outbox cannot be written; this turn's events are not saved")
            dispatcher.utter_message(response="utter_progress_not_saved")
        slots = {STATE_SLOT: outcome.state.model_dump(mode="json"), PLAIN_SLOT: outcome.state.plain}
        return [
            # only what changed: an unchanged slot would add an event Rasa stores and reloads
            *(
                SlotSet(name, value)
                for name, value in slots.items()
                if tracker.get_slot(name) != value
            ),
            *session_boundary(tracker.events, settings.session_event_limit),
        ]


engine()  # fail fast: the action server refuses to start on an invalid scenario file
_detect("")  # load spaCy once at start, not during a learner's first open answer
