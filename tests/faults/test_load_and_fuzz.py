"""Small versions of `make load` and `make fuzz` on the session stack (the long runs and their
figures are in docs/reliability.md): 10 learners for 20 s lose no event and see no error;
300 random messages get only well-formed answers, never a 5xx, and every process survives.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bench.fuzz import run_fuzz
from bench.load import report, run_load, scoring_learners, tally
from ops.launcher import health_urls
from tests.conftest import Stack
from tests.faults.helpers import Learner, chat, scenario

pytestmark = pytest.mark.integration


def assert_all_up(stack: Stack) -> None:
    for name, process in stack.processes.items():
        assert process.popen.poll() is None, f"{name} died"
    for name, url in health_urls(stack.ports).items():
        assert httpx.get(url, timeout=10).status_code == 200, name


def test_ten_learners_for_twenty_seconds_lose_nothing(stack: Stack) -> None:
    learners = scoring_learners(stack.api_url, stack.var_dir, 10, seed=3)
    result = asyncio.run(run_load("faults", learners, 20, 10**6, think=(0.2, 0.8)))
    counted = tally(stack.var_dir, learners, timeout=60)
    print(report(result, counted))
    assert result.errors == 0, result.statuses
    assert result.ok >= 20 and counted.seen >= 5
    assert counted.malformed == 0
    assert counted.pending == 0 and counted.rejected == 0
    assert counted.stored == counted.seen  # 0 lost, 0 duplicated
    assert_all_up(stack)


def test_three_hundred_random_messages_get_well_formed_answers(stack: Stack) -> None:
    result = asyncio.run(run_fuzz(stack.api_url, 300, seed=11, concurrency=3))
    print(result.as_dict())
    assert result.sent == 300
    assert result.server_errors == 0, result.statuses
    assert result.problems == []
    assert max(result.lengths) > 2000  # long messages were sent, and refused cleanly
    assert {200, 422} <= set(result.statuses)
    assert_all_up(stack)


def test_rasa_control_payloads_neither_fail_nor_reset_the_scenario(stack: Stack) -> None:
    """Typed by a learner, Rasa's own /restart, /session_start, /back used to get no answer
    (a 503) — and /restart wiped the scenario state. They are plain words now."""
    learner = Learner(stack, scenario("graphe_tronque_college"))
    learner.start()
    learner.answer_step()
    for message in ("/restart", "/session_start", "/back", " /RESTART{}"):
        response = chat(stack, learner.token, message)
        assert response.status_code == 200, (message, response.text)
        assert response.json() and all(isinstance(m, dict) for m in response.json())
    learner.answer_step()  # still at step 2
    assert [s["step"] for s in learner.scored] == [step for step, _ in learner.steps[:2]]
