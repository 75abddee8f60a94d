"""ActionVigie run in-process, as the action server runs it: a tracker built from a dict (the
JSON Rasa sends) and a collecting dispatcher, the way RasaHQ/rasa-demo tests its actions.

The real engine, scorer and outbox, on a throw-away state directory; no Rasa, no server. The
API address is a closed port: events stay in the outbox, which is what is checked.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions
from actions.settings import get_settings
from tests.conftest import free_port

SCENARIO = "annonce_mairie_college"  # open question first, then the investigation
LEARNER = hashlib.sha256(b"a learner of the in-process tests").hexdigest()  # a pseudonym
ANSWER = "jregarderais ki a posté et la date du post"


def tracker_dict(
    slots: dict[str, Any],
    intent: str,
    text: str,
    entities: list[dict[str, Any]] | None = None,
    sender: str = LEARNER,
    message_id: str = "m1",
) -> dict[str, Any]:
    """The tracker state Rasa posts to the action server, reduced to what a turn needs."""
    return {
        "sender_id": sender,
        "slots": slots,
        "latest_message": {
            "intent": {"name": intent, "confidence": 0.97},
            "entities": entities or [],
            "text": text,
            "message_id": message_id,
        },
        "events": [{"event": "action", "name": "action_session_start"}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


def run(state: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One turn: what the dispatcher collected, and the slots the action set."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(actions.ActionVigie().run(dispatcher, Tracker.from_dict(state), {}))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages, slots


def start(sender: str = LEARNER) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    choice = [{"entity": "choice", "value": SCENARIO}]
    return run(tracker_dict({}, "choose_option", "1", choice, sender=sender))


def responses(messages: list[dict[str, Any]]) -> list[str | None]:
    return [m.get("response") for m in messages]


def queued(var_dir: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(var_dir / "outbox.db") as db:
        return [json.loads(body) for (body,) in db.execute("SELECT body FROM outbox")]


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings and outbox of the action module, fresh, on a temporary state directory."""
    monkeypatch.setenv("VIGIE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("VIGIE_API_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("VIGIE_OUTBOX_MAX_BACKOFF_SECONDS", "3600")  # one try, then quiet
    monkeypatch.delenv("VIGIE_OUTBOX_PATH", raising=False)
    get_settings.cache_clear()
    actions.reporter.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
    actions.reporter.cache_clear()


def test_starting_a_scenario_answers_sets_the_state_and_queues_the_event(var_dir: Path) -> None:
    messages, slots = start()
    assert responses(messages)[-1] == "utter_scenario_intro"  # under the item, with the question
    assert "utter_progress_not_saved" not in responses(messages)
    state = slots[actions.STATE_SLOT]
    assert (state["scenario"], state["phase"], state["step"]) == (SCENARIO, "step", 0)
    assert slots[actions.PLAIN_SLOT] is False
    [event] = queued(var_dir)
    assert (event["type"], event["scenario"], event["learner"]) == (
        "scenario_started",
        SCENARIO,
        LEARNER,
    )


def test_an_open_answer_is_scored_in_process_from_the_state_slot(var_dir: Path) -> None:
    _, slots = start()
    messages, slots = run(tracker_dict(slots, "inform", ANSWER, message_id="m2"))
    [score] = [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "score"]
    assert {"SOURCE", "DATE"} <= set(score["criteria_found"])
    assert slots[actions.STATE_SLOT]["step"] == 1
    assert [e["type"] for e in queued(var_dir)] == ["scenario_started", "step_scored"]
    assert ANSWER not in json.dumps(queued(var_dir))  # events never carry the learner's words


def test_when_the_outbox_cannot_be_written_the_learner_is_told_and_goes_on(
    var_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = var_dir / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("VIGIE_OUTBOX_PATH", str(blocker / "outbox.db"))
    get_settings.cache_clear()
    actions.reporter.cache_clear()
    _, slots = start()
    with caplog.at_level(logging.ERROR, logger="actions.actions"):
        messages, slots = run(tracker_dict(slots, "inform", ANSWER, message_id="m2"))
    assert responses(messages)[-1] == "utter_progress_not_saved"
    assert "utter_step_investigate" in responses(messages)  # the turn itself was delivered
    assert slots[actions.STATE_SLOT]["step"] == 1  # and the learner goes on
    assert "cannot be written" in caplog.text
    assert ANSWER not in caplog.text
    assert not (blocker / "outbox.db").exists()


def test_a_sender_that_is_no_pseudonym_plays_but_reports_nothing(var_dir: Path) -> None:
    messages, slots = start(sender="default")  # `rasa shell`, `rasa test`
    assert responses(messages)[-1] == "utter_scenario_intro"  # under the item, with the question
    assert "utter_progress_not_saved" not in responses(messages)
    assert slots[actions.STATE_SLOT]["scenario"] == SCENARIO
    assert not (var_dir / "outbox.db").exists() or queued(var_dir) == []


def test_a_turn_that_changes_nothing_sets_no_slot() -> None:
    """Each SlotSet is an event Rasa stores and reloads: only what changed is sent."""
    _, first = run(tracker_dict({}, "deny", "non"))
    assert set(first) == {actions.STATE_SLOT, actions.PLAIN_SLOT}  # from empty to the state
    messages, again = run(tracker_dict(first, "deny", "non"))
    assert responses(messages) == ["utter_ok_later"]
    assert again == {}
    _, plain = run(tracker_dict(first, "plain_language", "parle plus simple"))
    assert plain[actions.PLAIN_SLOT] is True and plain[actions.STATE_SLOT]["plain"] is True
