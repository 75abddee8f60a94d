"""Helpers of the fault tests: a learner who plays a scenario step by step through /chat (or
straight through Rasa's REST channel while the API is down), and what got stored where.

Never reaches into a process: only HTTP, and reads of the SQLite files the stack writes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api.core.security.chat_sessions import SessionSigner
from scenarios.loader import default_catalogue
from scenarios.schema import Scenario
from tests.conftest import Stack
from tests.play import choose, right_answers, scores, texts

NOT_SAVED = "n'a pas pu être enregistré"  # utter_progress_not_saved (domain.yml)


def chat(stack: Stack, token: str, message: str) -> httpx.Response:
    return httpx.post(
        f"{stack.api_url}/chat", json={"session_id": token, "message": message}, timeout=90
    )


def rest(stack: Stack, learner: str, message: str) -> list[dict]:
    """Rasa's REST channel, as the API calls it (used while the API itself is down)."""
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": learner, "message": message, "metadata": {"channel": "web"}},
        timeout=90,
    )
    assert response.status_code == 200, response.text
    return response.json()


def kill(stack: Stack, name: str) -> None:
    """SIGKILL to the process and all its children: a crash, not a clean stop. (The action
    server is a Sanic manager plus a worker process: killing the manager alone leaves the
    worker serving, orphaned.)"""
    stack.processes.pop(name).kill_tree()


def restart(stack: Stack, name: str) -> None:
    if name in stack.processes:
        stack.stop(name)
    stack.start(name)
    stack.wait_ready([name])


@dataclass
class Learner:
    """A web-chat learner playing one scenario right, step by step."""

    stack: Stack
    scenario: Scenario
    token: str = ""
    learner: str = ""
    scored: list[dict] = field(default_factory=list)
    step: int = 0  # index of the next step to answer

    def __post_init__(self) -> None:
        response = httpx.post(f"{self.stack.api_url}/chat/session", json={}, timeout=30)
        assert response.status_code == 201
        self.token = response.json()["session_id"]
        settings = self.stack.settings()
        chat_session = SessionSigner(settings.secret("session_key"), 3600).read(self.token)
        self.learner = chat_session.learner(settings.secret("pepper"))
        self.steps = list(right_answers(self.scenario))

    def say(self, message: str, *, direct: bool = False) -> list[dict]:
        if direct:
            return rest(self.stack, self.learner, message)
        response = chat(self.stack, self.token, message)
        assert response.status_code == 200, response.text
        return response.json()

    def start(self, *, direct: bool = False) -> list[dict]:
        return self.say(choose(self.scenario.id), direct=direct)

    def answer_step(self, *, direct: bool = False) -> list[dict]:
        """Answer the next step right; checks it is the step scored."""
        step_id, messages = self.steps[self.step]
        replies: list[dict] = []
        for message in messages:
            replies = self.say(message, direct=direct)
        got = scores(replies)
        assert [s["step"] for s in got] == [step_id], (step_id, texts(replies))
        self.scored.extend(got)
        self.step += 1
        return replies

    @property
    def done(self) -> bool:
        return self.step == len(self.steps)


def scenario(scenario_id: str) -> Scenario:
    return default_catalogue().scenarios[scenario_id]


def stored_steps(stack: Stack, learner: str) -> list[str]:
    """Step ids of the learner's stored step_scored events (one row per stored event)."""
    with sqlite3.connect(stack.var_dir / "vigie.db", timeout=30) as db:
        rows = db.execute(
            "SELECT step_id FROM progress_events WHERE type = 'step_scored' AND learner_id = ?",
            (learner,),
        ).fetchall()
    return sorted(row[0] for row in rows)


def pending_in_outbox(stack: Stack, learners: list[str], path: Path | None = None) -> int:
    """Events of these learners still waiting in the action server's outbox (at `path`)."""
    path = path or stack.var_dir / "outbox.db"
    if not path.exists():
        return 0
    marks = ",".join("?" * len(learners))
    with sqlite3.connect(path, timeout=30) as db:
        query = f"SELECT COUNT(*) FROM outbox WHERE learner IN ({marks})"
        return db.execute(query, learners).fetchone()[0]
