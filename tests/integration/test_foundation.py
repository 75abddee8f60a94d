"""End to end through the real API, Rasa server and action server, on free ports."""

from __future__ import annotations

import http.client
import sqlite3
import time

import httpx
import pytest

from api.core.security.chat_sessions import SessionSigner
from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from tests.conftest import Stack
from tests.play import choose, right_answers, scores, texts

pytestmark = pytest.mark.integration


def new_session(stack: Stack) -> str:
    response = httpx.post(f"{stack.api_url}/chat/session", json={}, timeout=10)
    assert response.status_code == 201
    return response.json()["session_id"]


def say(stack: Stack, session: str, message: str) -> list[dict]:
    response = httpx.post(
        f"{stack.api_url}/chat", json={"session_id": session, "message": message}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()


def stored_events(stack: Stack) -> list[tuple]:
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        return db.execute(
            "SELECT type, scenario_id, step_id, points, max_points, learner_id FROM progress_events"
        ).fetchall()


def learner_of(stack: Stack, session: str) -> str:
    """The pseudonym the API derives from a web chat session (other tests share the stack)."""
    settings = stack.settings()
    signer = SessionSigner(settings.secret("session_key"), 3600)
    return signer.read(session).learner(settings.secret("pepper"))


def test_greeting_gets_a_french_answer_and_offers_the_quiz(stack: Stack) -> None:
    rasa_log = stack.processes["rasa"].log
    logged_before = rasa_log.stat().st_size
    replies = say(stack, new_session(stack), "salut")
    assert "Vigie" in texts(replies)
    payloads = [b["payload"] for m in replies for b in m.get("buttons", [])]
    # domain payloads double their braces; Rasa renders them single, without an error line
    assert choose("quiz") in payloads
    with rasa_log.open("rb") as log:
        log.seek(logged_before)
        assert b"interpolator" not in log.read()


def test_a_whole_scenario_scores_every_step_and_stores_each_event_once(stack: Stack) -> None:
    scenario = default_catalogue().scenarios["annonce_mairie_college"]
    session = new_session(stack)
    intro = say(stack, session, choose(scenario.id))
    (item,) = [m["custom"] for m in intro if (m.get("custom") or {}).get("type") == "item"]
    assert scenario.item.author in item["caption"] and item["image"].endswith(".png")
    payloads = []
    for step_id, messages in right_answers(scenario):
        replies = []
        for message in messages:
            replies = say(stack, session, message)
        step_scores = scores(replies)
        assert [s["step"] for s in step_scores] == [step_id]
        payloads.extend(step_scores)
    assert all(p["points"] == p["max_points"] for p in payloads if not p["criteria_expected"])
    assert all(p["scenario"] == scenario.id for p in payloads)

    learner = learner_of(stack, session)

    def complete() -> list[tuple]:
        events = [e for e in stored_events(stack) if e[5] == learner]
        done = [e for e in events if e[0] == "scenario_completed" and e[1] == scenario.id]
        return events if done else []

    events = wait_for(complete, 60, every=0.3)
    scored = [e for e in events if e[0] == "step_scored" and e[1] == scenario.id]
    assert sorted(e[2] for e in scored) == sorted(s.id for s in scenario.steps)
    assert {(e[2], e[3], e[4]) for e in scored} == {
        (p["step"], p["points"], p["max_points"]) for p in payloads
    }
    assert all(len(e[5]) == 64 for e in stored_events(stack) if e[0] != "distress")

    progress = texts(say(stack, session, "/show_progress"))
    total = sum(p["points"] for p in payloads)
    maximum = sum(p["max_points"] for p in payloads)
    assert "scénarios terminés : 1" in progress
    assert f"score moyen : {round(100 * total / maximum)} %" in progress
    assert "infos fiables reconnues : 100 %" in progress


@pytest.mark.parametrize("text", ["\x1e", "\u1680\x1c\u3000", "\u2800", "\u200b\u200b"])
def test_a_message_with_nothing_visible_gets_the_fallback(stack: Stack, text: str) -> None:
    # Rasa's logistic regression used to fail on such messages (empty feature rows): a 503
    replies = say(stack, new_session(stack), text)
    assert "Je n'ai pas bien compris" in texts(replies)


def test_the_api_keeps_an_idle_connection_longer_than_its_clients_do(stack: Stack) -> None:
    # uvicorn's default (5 s) equals httpx's pool expiry: `make load` lost a request when the
    # server closed a connection just as the client reused it
    connection = http.client.HTTPConnection("127.0.0.1", stack.ports.api, timeout=10)
    try:
        connection.request("GET", "/health")
        assert connection.getresponse().read()
        assert connection.sock is not None
        opened = connection.sock.getsockname()
        time.sleep(6)
        connection.request("GET", "/health")
        response = connection.getresponse()
        assert response.status == 200 and response.read()
        assert connection.sock.getsockname() == opened  # the same connection, not a new one
    finally:
        connection.close()


def test_forged_session_is_refused(stack: Stack) -> None:
    response = httpx.post(
        f"{stack.api_url}/chat", json={"session_id": "forged.token", "message": "salut"}
    )
    assert response.status_code == 401


def test_action_server_down_gives_a_friendly_503_then_recovers(stack: Stack) -> None:
    session = new_session(stack)
    say(stack, session, "salut")
    stack.stop("actions")
    try:
        response = httpx.post(
            f"{stack.api_url}/chat",
            json={"session_id": session, "message": "bonjour"},
            timeout=60,
        )
        assert response.status_code == 503
        body = response.json()
        assert isinstance(body, list) and "reviens" in body[0]["text"]
    finally:
        stack.start("actions")
        stack.wait_ready(["actions"])
    assert "Vigie" in texts(say(stack, session, "salut"))


def test_action_server_rejects_calls_without_rasas_token(stack: Stack) -> None:
    url = f"http://127.0.0.1:{stack.ports.actions}/webhook"
    body = {"next_action": "action_vigie", "sender_id": "x", "tracker": {}, "domain": {}}
    assert httpx.post(url, json=body).status_code == 401
    assert httpx.post(url, params={"token": "wrong"}, json=body).status_code == 401
    assert httpx.get(f"http://127.0.0.1:{stack.ports.actions}/health").status_code == 200


def test_services_listen_on_loopback_only(stack: Stack) -> None:
    import psutil

    ports = {stack.ports.rasa, stack.ports.actions, stack.ports.api}
    listening = [
        c for c in psutil.net_connections("inet") if c.status == "LISTEN" and c.laddr.port in ports
    ]
    assert {c.laddr.port for c in listening} == ports
    assert all(c.laddr.ip == "127.0.0.1" for c in listening)
