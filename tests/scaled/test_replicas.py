"""Two Rasa replicas share one conversation store (PostgreSQL) and lock store (Redis): a learner
can be served by either, turn after turn, and the progress database stores each event once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest

from api.core.security.chat_sessions import SessionSigner
from devtools.wait import wait_for
from ops.launcher import TRACKER_DATABASE
from scenarios.loader import default_catalogue
from tests.play import choose, right_answers, scores
from tests.scaled.conftest import ScaledStack
from tests.scaled.helpers import new_learner, rest
from vigie.rasa_rest import SENDER_HEADER

pytestmark = [pytest.mark.integration, pytest.mark.scaled]
CATALOGUE = default_catalogue()


def stored(scaled: ScaledStack, learner: str) -> list[tuple[str, str, str, int, int]]:
    rows = scaled.progress_rows(
        "SELECT type, coalesce(scenario_id, ''), coalesce(step_id, ''), coalesce(points, -1), "
        f"coalesce(max_points, -1) FROM progress_events WHERE learner_id = '{learner}'"
    )
    return [(t, s, st, int(p), int(m)) for t, s, st, p, m in rows]


def pseudonym(scaled: ScaledStack, token: str) -> str:
    """The learner id the API derives from a web-chat token (as the events carry it)."""
    settings = scaled.infra.settings()
    chat = SessionSigner(settings.secret("session_key"), 3600).read(token)
    return chat.learner(settings.secret("pepper"))


def tracker(scaled: ScaledStack, replica: int, learner: str) -> dict:
    token = scaled.infra.settings().secret("rasa_token")
    response = httpx.get(
        f"{scaled.rasa(replica)}/conversations/{learner}/tracker",
        params={"token": token},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_learner_served_alternately_by_both_replicas_stays_coherent(
    scaled: ScaledStack,
) -> None:
    scenario = CATALOGUE.scenarios["annonce_mairie_college"]
    learner = new_learner()
    turns = 0

    def say(message: str) -> list[dict]:
        nonlocal turns
        replica, turns = turns % 2, turns + 1
        return rest(scaled.rasa(replica), learner, message)

    intro = say(choose(scenario.id))
    (item,) = [m["custom"] for m in intro if (m.get("custom") or {}).get("type") == "item"]
    assert scenario.item.author in item["caption"]
    received = []
    for step_id, messages in right_answers(scenario):
        replies: list[dict] = []
        for message in messages:
            replies = say(message)
        # Whichever replica answers, it continues from the step the other one left.
        assert [s["step"] for s in scores(replies)] == [step_id]
        received.extend(scores(replies))
    assert turns >= 4  # each replica served at least two of the turns
    assert all(s["points"] == s["max_points"] for s in received if not s["criteria_expected"])

    def complete() -> list:
        # Each action server delivers from its own outbox: events may arrive in any order.
        rows = stored(scaled, learner)
        steps = {r[2] for r in rows if r[0] == "step_scored"}
        done = any(r[0] == "scenario_completed" for r in rows)
        return rows if done and steps == {step.id for step in scenario.steps} else []

    rows = wait_for(complete, every=0.5)
    scored = [r for r in rows if r[0] == "step_scored"]
    assert sorted(r[2] for r in scored) == sorted(step.id for step in scenario.steps)  # once each
    assert {(r[2], r[3], r[4]) for r in scored} == {
        (s["step"], s["points"], s["max_points"]) for s in received
    }
    assert [r[1] for r in rows if r[0] == "scenario_completed"] == [scenario.id]

    # Both replicas read the same conversation from PostgreSQL.
    first, second = tracker(scaled, 0, learner), tracker(scaled, 1, learner)
    assert len(first["events"]) == len(second["events"]) > 4 * len(scenario.steps)
    assert first["slots"]["vigie_state"] == second["slots"]["vigie_state"]


def test_web_chat_through_nginx_and_both_api_processes(scaled: ScaledStack) -> None:
    scenario = CATALOGUE.scenarios["site_imposteur_college"]
    session = httpx.post(f"{scaled.front}/chat/session", json={}, timeout=10)
    assert session.status_code == 201
    token = session.json()["session_id"]

    def say(message: str) -> list[dict]:
        response = httpx.post(
            f"{scaled.front}/chat", json={"session_id": token, "message": message}, timeout=60
        )
        assert response.status_code == 200, response.text
        return response.json()

    say(choose(scenario.id))
    received = []
    for step_id, messages in right_answers(scenario):
        replies: list[dict] = []
        for message in messages:
            replies = say(message)
        assert [s["step"] for s in scores(replies)] == [step_id]
        received.extend(scores(replies))

    def completed() -> list:
        rows = scaled.progress_rows(
            "SELECT learner_id, step_id FROM progress_events "
            f"WHERE scenario_id = '{scenario.id}' AND type = 'step_scored'"
        )
        done = scaled.progress_rows(
            "SELECT count(*) FROM progress_events "
            f"WHERE scenario_id = '{scenario.id}' AND type = 'scenario_completed'"
        )
        steps = sorted(step for _, step in rows)
        return rows if done == [["1"]] and steps == sorted(s.id for s in scenario.steps) else []

    rows = wait_for(completed, every=0.5)
    assert len({learner for learner, _ in rows}) == 1
    assert sorted(step for _, step in rows) == sorted(s["step"] for s in received)
    # The session row (written by whichever API process answered) is in PostgreSQL too.
    (learner,) = {learner for learner, _ in rows}
    assert scaled.progress_rows(f"SELECT count(*) FROM learners WHERE id = '{learner}'") == [["1"]]


def test_erasure_reaches_the_shared_tracker_store(scaled: ScaledStack) -> None:
    """Forgetting a learner deletes their conversation from PostgreSQL (VIGIE_TRACKER_URL),
    whichever API process answers, and both replicas then see an empty conversation."""
    learner = new_learner()
    rest(scaled.rasa(0), learner, "salut")
    rest(scaled.rasa(1), learner, choose("surprise"))
    assert len(tracker(scaled, 0, learner)["events"]) > 4
    token = scaled.infra.settings().secret("ingest_token")
    response = httpx.post(  # the internal entry: erasure is not on the public server
        f"http://127.0.0.1:{scaled.ports.api_internal}/api/v1/learners/{learner}/erase",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["conversation_events"] > 4
    assert scaled.infra.postgres.query(
        TRACKER_DATABASE, f"SELECT count(*) FROM events WHERE sender_id = '{learner}'"
    ) == [["0"]]


def test_simultaneous_messages_of_one_learner_are_all_kept(scaled: ScaledStack) -> None:
    """Through the Rasa load balancer (as the API calls it), two messages of one learner sent
    at the same instant are processed one after the other: none is lost. nginx keeps a learner
    on one replica (X-Vigie-Sender), where Rasa's lock is exact; sent straight to two replicas
    at once, Rasa 3.6's non-atomic RedisLockStore can let both through and lose a turn."""
    balancer = f"http://127.0.0.1:{scaled.ports.rasa_lb}/webhooks/rest/webhook"

    async def trial(client: httpx.AsyncClient) -> list[str]:
        learner = new_learner()
        headers = {SENDER_HEADER: learner}

        async def post(message: str) -> None:
            body = {"sender": learner, "message": message}
            response = await client.post(balancer, json=body, headers=headers)
            assert response.status_code == 200

        await post("salut")
        await asyncio.gather(post("/show_progress"), post("salut"))
        events = (await asyncio.to_thread(tracker, scaled, 0, learner))["events"]
        return [e["event"] if e["event"] != "action" else e["name"] for e in events]

    async def trials() -> list[list[str]]:
        async with httpx.AsyncClient(timeout=60) as client:
            return [await trial(client) for _ in range(6)]

    for sequence in asyncio.run(trials()):
        turns = [e for e in sequence if e in ("user", "action_listen")]
        assert turns.count("user") == 3, sequence
        # Each message is fully answered (back to listening) before the next one starts.
        assert turns[-6:] == ["user", "action_listen"] * 3, sequence


# Last in this file on purpose: it leaves `rasa-1` dead (the session's other tests run before).
def test_killing_a_rasa_replica_mid_load_loses_no_scored_answer(scaled: ScaledStack) -> None:
    outcome = asyncio.run(play_through_a_crash(scaled, learners=8, kill_after=16))
    assert outcome.after_kill > 0, "no message was answered after the kill"
    assert scaled.processes["rasa-2"].poll() is None

    received = [(learner, s) for learner, found in outcome.scores.items() for s in found]
    assert received

    def all_stored() -> list:
        rows = scaled.progress_rows(
            "SELECT learner_id, scenario_id, step_id, points, max_points FROM progress_events "
            "WHERE type = 'step_scored' AND learner_id IN ("
            + ",".join(f"'{learner}'" for learner in outcome.scores)
            + ")"
        )
        keys = {(r[0], r[1], r[2]) for r in rows}
        wanted = {(learner, s["scenario"], s["step"]) for learner, s in received}
        return rows if wanted <= keys else []

    rows = wait_for(all_stored, timeout=60, every=0.5)
    assert rows, "a score a learner saw is missing from PostgreSQL"
    counted = Counter((r[0], r[1], r[2]) for r in rows)
    assert max(counted.values()) == 1, "an answer was stored twice"
    points = {(r[0], r[1], r[2]): (int(r[3]), int(r[4])) for r in rows}
    for learner, s in received:
        assert points[(learner, s["scenario"], s["step"])] == (s["points"], s["max_points"])
    # A learner whose retried message did not land on a step already answered finishes.
    for learner in outcome.aligned:
        assert scaled.progress_rows(
            "SELECT count(*) FROM progress_events "
            f"WHERE learner_id = '{learner}' AND type = 'scenario_completed'"
        ) == [["1"]]


@dataclass
class CrashOutcome:
    scores: dict[str, list[dict]] = field(default_factory=dict)
    aligned: list[str] = field(default_factory=list)
    after_kill: int = 0
    retries: int = 0


async def play_through_a_crash(scaled: ScaledStack, learners: int, kill_after: int) -> CrashOutcome:
    """`learners` web-chat learners play one scenario each through nginx; after `kill_after`
    answered messages, rasa-1 gets SIGKILL. A message that fails (502/503) is sent again, as the
    web chat's retry button does."""
    outcome = CrashOutcome()
    answered = 0
    killed = asyncio.Event()
    scenarios = [CATALOGUE.scenarios[sid] for sid in sorted(CATALOGUE.scenarios)[:learners]]
    deadline = asyncio.get_running_loop().time() + 150

    async def send(client: httpx.AsyncClient, token: str, message: str) -> list[dict]:
        nonlocal answered
        while asyncio.get_running_loop().time() < deadline:
            try:
                response = await client.post(
                    f"{scaled.front}/chat", json={"session_id": token, "message": message}
                )
                if response.status_code == 200:
                    answered += 1
                    if killed.is_set():
                        outcome.after_kill += 1
                    return response.json()
                assert response.status_code in (502, 503, 504), response.text
            except httpx.TransportError:
                pass
            outcome.retries += 1
            await asyncio.sleep(0.5)
        raise AssertionError("a message never got an answer")

    async def learner(client: httpx.AsyncClient, scenario) -> None:
        response = await client.post(f"{scaled.front}/chat/session", json={})
        token = response.json()["session_id"]
        await send(client, token, choose(scenario.id))
        found: list[dict] = []
        aligned = True
        for step_id, messages in right_answers(scenario):
            replies: list[dict] = []
            for message in messages:
                replies = await send(client, token, message)
            got = scores(replies)
            found.extend(got)
            aligned = aligned and [s["step"] for s in got] == [step_id]
        learner_id = pseudonym(scaled, token)
        outcome.scores[learner_id] = found
        if aligned:
            outcome.aligned.append(learner_id)

    async def killer() -> None:
        while answered < kill_after:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(scaled.kill, "rasa-1")
        killed.set()

    async with httpx.AsyncClient(timeout=httpx.Timeout(90.0, connect=5.0)) as client:
        kill = asyncio.create_task(killer())
        await asyncio.gather(*(learner(client, s) for s in scenarios))
        await kill
    return outcome
