"""Faults with the real processes: the action server killed mid-scenario, the API down while
learners answer, Rasa killed and restarted mid-conversation. The learner is told, nothing is
lost, nothing is stored twice, and the scenario goes on at the step where it was.

Uses the session stack and leaves it as it found it (every process running).
"""

from __future__ import annotations

import time

import httpx
import pytest

from devtools.wait import wait_for
from tests.conftest import Stack
from tests.faults.helpers import (
    Learner,
    chat,
    kill,
    pending_in_outbox,
    restart,
    scenario,
    stored_steps,
)

pytestmark = pytest.mark.integration
# The API is down at least this long: the outbox backs off to its longest delay (5 s on the
# test stack: QUICK_RETRIES in tests/conftest.py) and stays there a while.
OUTAGE_SECONDS = 20


def assert_friendly_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert isinstance(body, list) and "reviens" in body[0]["text"]
    assert body[0]["custom"] == {"type": "error", "code": "unavailable"}


def finish_and_check(learner: Learner) -> None:
    while not learner.done:
        learner.answer_step()
    expected = sorted(step for step, _ in learner.steps)
    stored = wait_for(lambda: stored_steps(learner.stack, learner.learner) == expected, 60)
    assert stored, (stored_steps(learner.stack, learner.learner), expected)
    assert sorted(s["step"] for s in learner.scored) == expected  # each step scored once


def test_action_server_killed_mid_scenario_then_it_goes_on_at_the_same_step(
    stack: Stack,
) -> None:
    learner = Learner(stack, scenario("photo_inondation_college"))
    learner.start()
    learner.answer_step()
    kill(stack, "actions")
    try:
        _, messages = learner.steps[learner.step]
        assert_friendly_503(chat(stack, learner.token, messages[0]))
    finally:
        restart(stack, "actions")
    learner.answer_step()  # the same step as before the crash, scored now
    assert learner.scored[-1]["step"] == learner.steps[1][0]
    finish_and_check(learner)


def test_api_down_while_learners_answer_events_wait_then_arrive_once(stack: Stack) -> None:
    learners = [
        Learner(stack, scenario(name))
        for name in ("annonce_mairie_college", "satire_cantine_college", "bulle_fil_college")
    ]
    for learner in learners:
        learner.start()  # through the API, before the outage
    ids = [learner.learner for learner in learners]
    stack.stop("api")
    down_since = time.monotonic()
    try:
        # The API is down, so the web chat is too: learners reach Rasa directly (as the
        # Telegram bridge does), and every answer is still scored.
        for learner in learners:
            while not learner.done:
                learner.answer_step(direct=True)
        scored = sum(len(learner.scored) for learner in learners)
        assert scored == sum(len(learner.steps) for learner in learners)
        assert pending_in_outbox(stack, ids) >= scored  # waiting, with the completions
        assert all(stored_steps(stack, learner) == [] for learner in ids)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_since)))
    finally:
        restart(stack, "api")
    assert wait_for(lambda: pending_in_outbox(stack, ids) == 0, 90, every=1.0)
    for learner in learners:
        expected = sorted(step for step, _ in learner.steps)
        assert stored_steps(stack, learner.learner) == expected  # all arrived, none twice
        assert sorted(s["step"] for s in learner.scored) == expected


def test_rasa_killed_and_restarted_mid_conversation_resumes_at_the_same_step(
    stack: Stack,
) -> None:
    learner = Learner(stack, scenario("site_imposteur_college"))
    learner.start()
    learner.answer_step()
    learner.answer_step()
    kill(stack, "rasa")
    try:
        assert_friendly_503(chat(stack, learner.token, "/answer_true"))
    finally:
        restart(stack, "rasa")
    learner.answer_step()  # step 3 of 4: the SQL tracker store kept the conversation
    assert learner.scored[-1]["step"] == learner.steps[2][0]
    finish_and_check(learner)
