"""A bounded asyncio load client: N simulated learners, each sending its next message as soon
as the previous reply arrives (closed loop, no think time), for at most `duration` seconds and
`max_messages` messages. Loopback only: it refuses any other host.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REQUEST_TIMEOUT = 60.0
FLOOR_SCRIPT = ("hello", "I am sad", "yes", "great", "goodbye", "hi", "I am happy", "bye")


def require_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK and not host.startswith("127."):
        raise ValueError(f"the load client only targets this machine's loopback, not {host}")
    return url.rstrip("/")


@dataclass
class Result:
    label: str
    learners: int
    elapsed: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[round(q) - 1]

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "learners": self.learners,
            "messages": self.ok,
            "errors": self.errors,
            "elapsed_s": round(self.elapsed, 2),
            "throughput": round(self.throughput, 2),
            "p50_ms": round(1000 * self.percentile(50)),
            "p95_ms": round(1000 * self.percentile(95)),
            "p99_ms": round(1000 * self.percentile(99)),
        }


class FloorLearner:
    """The starter bot's conversation (greet, mood, affirm, goodbye) on Rasa's REST webhook."""

    def __init__(self, rasa_url: str, number: int, seed: int) -> None:
        self.url = require_loopback(rasa_url) + "/webhooks/rest/webhook"
        self.sender = f"floor-{seed}-{number}-{random.Random(seed + number).getrandbits(48):x}"
        self.messages = itertools.cycle(FLOOR_SCRIPT[number % 3 :] + FLOOR_SCRIPT[: number % 3])

    async def prepare(self, client: httpx.AsyncClient) -> None:
        return None

    async def send(self, client: httpx.AsyncClient) -> int:
        body = {"sender": self.sender, "message": next(self.messages)}
        response = await client.post(self.url, json=body)
        return response.status_code


class VigieLearner:
    """A web-chat learner: a session, then scenario after scenario answered through /chat."""

    def __init__(self, api_url: str, plan: Iterator[str]) -> None:
        self.base = require_loopback(api_url)
        self.plan = plan
        self.session: str | None = None

    async def prepare(self, client: httpx.AsyncClient) -> None:
        response = await client.post(f"{self.base}/chat/session", json={})
        response.raise_for_status()
        self.session = response.json()["session_id"]

    async def send(self, client: httpx.AsyncClient) -> int:
        body = {"session_id": self.session, "message": next(self.plan)}
        response = await client.post(f"{self.base}/chat", content=json.dumps(body),
                                     headers={"Content-Type": "application/json"})  # fmt: skip
        return response.status_code


async def run_load(
    label: str,
    learners: list,
    duration: float,
    max_messages: int,
) -> Result:
    """Drive every learner concurrently until `duration` seconds or `max_messages` replies."""
    limits = httpx.Limits(
        max_connections=len(learners) + 4, max_keepalive_connections=len(learners)
    )
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as client:
        await asyncio.gather(*(learner.prepare(client) for learner in learners))
        result = Result(label, len(learners), 0.0)
        budget = itertools.count()
        start = time.perf_counter()
        deadline = start + duration

        async def drive(learner) -> None:
            while time.perf_counter() < deadline and next(budget) < max_messages:
                sent = time.perf_counter()
                try:
                    status = await learner.send(client)
                except httpx.HTTPError:
                    status = 0
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 200:
                    result.latencies.append(time.perf_counter() - sent)
                else:
                    result.errors += 1
                    await asyncio.sleep(0.2)

        # Hard bound: in-flight requests get REQUEST_TIMEOUT after the deadline, no more.
        await asyncio.wait_for(
            asyncio.gather(*(drive(learner) for learner in learners)),
            timeout=duration + REQUEST_TIMEOUT + 5,
        )
        result.elapsed = time.perf_counter() - start
        return result


def vigie_plans(count: int, seed: int) -> list[Iterator[str]]:
    """Per learner: catalogue scenarios in a shuffled order, each answered right (tests/play)."""
    from scenarios.loader import default_catalogue
    from tests.play import choose, right_answers

    catalogue = default_catalogue()
    ids = sorted(catalogue.scenarios)

    def plan(number: int) -> Iterator[str]:
        rng = random.Random(seed * 1000 + number)
        while True:
            order = ids[:]
            rng.shuffle(order)
            for scenario_id in order:
                scenario = catalogue.scenarios[scenario_id]
                yield choose(scenario.id)
                for _step, messages in right_answers(scenario):
                    yield from messages

    return [plan(number) for number in range(count)]
