"""The delayed re-test through `/chat` with the real stack: after the post-test, a typed « oui »
gets a signed retest token; a week later — the action server restarted with its test-only
clock offset, no sleeping — the learner comes back with it as the same pseudonym, the greeting
offers form C first, and its answers reach the API as `quiz_c` events."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from devtools.wait import wait_for
from tests.conftest import Stack
from tests.integration.test_foundation import new_session, say
from tests.play import choose, texts
from vigie.protocol import RETEST, RETEST_PAYLOAD

pytestmark = pytest.mark.integration
OFFSET = "VIGIE_TEST_CLOCK_OFFSET_SECONDS"
A_WEEK_LATER = str(7 * 86400 + 60)
ASKED = "Je te repropose un quiz dans une semaine ?"
DUE = "Ça fait une semaine"


def restart_actions(stack: Stack, offset: str | None) -> None:
    stack.stop("actions")
    if offset is None:
        stack.env.pop(OFFSET, None)
    else:
        stack.env[OFFSET] = offset
    stack.start("actions")
    stack.wait_ready(["actions"])


def take_quiz(stack: Stack, session: str, choice: str = choose("quiz")) -> list[dict]:
    replies = say(stack, session, choice)
    while any(b["payload"] == "/answer_true" for m in replies for b in m.get("buttons") or []):
        replies = say(stack, session, "/answer_true")
    return replies


def retest_of(replies: list[dict]) -> dict:
    (custom,) = [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == RETEST]
    return custom


def resume(stack: Stack, token: str) -> str:
    response = httpx.post(f"{stack.api_url}/chat/resume", json={"token": token}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["session_id"]


def quiz_c_events(stack: Stack) -> int:
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        query = "SELECT count(*) FROM progress_events WHERE scenario_id = 'quiz_c'"
        return int(db.execute(query).fetchone()[0])


def test_opt_in_then_back_a_week_later_form_c_first(stack: Stack) -> None:
    session = new_session(stack)
    say(stack, session, "salut")
    take_quiz(stack, session)  # the pre-test
    post = take_quiz(stack, session)  # the post-test
    assert ASKED in texts(post)
    yes = say(stack, session, "oui")  # typed
    custom = retest_of(yes)
    assert custom["due"] and custom["token"] and custom["max_age"] <= 30 * 86400

    # back before the week is over: the same learner, nothing offered yet
    early = resume(stack, custom["token"])
    assert DUE not in texts(say(stack, early, "salut"))
    no_such = httpx.post(f"{stack.api_url}/chat/resume", json={"token": session}, timeout=10)
    assert no_such.status_code == 401  # a session token is no way back

    restart_actions(stack, A_WEEK_LATER)
    try:
        back = resume(stack, custom["token"])
        greeted = say(stack, back, "salut")
        assert DUE in texts(greeted)
        buttons = [b["payload"] for m in greeted for b in m.get("buttons") or []]
        assert buttons[0] == RETEST_PAYLOAD  # form C first
        done = take_quiz(stack, back, RETEST_PAYLOAD)
        assert "Une semaine plus tard" in texts(done)
        assert retest_of(done) == {"type": RETEST, "due": None}  # the widget drops its token
        assert wait_for(lambda: quiz_c_events(stack) == 20, 30, every=0.5)
    finally:
        restart_actions(stack, None)
