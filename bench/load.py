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
    failures: dict[str, int] = field(default_factory=dict)  # status 0: the client's exception
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per reply, per process

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
            "cpu_ms_per_reply": {name: round(ms, 1) for name, ms in self.cpu_ms.items()},
        }


class FloorLearner:
    """The starter bot's conversation (greet, mood, affirm, goodbye) on Rasa's REST webhook."""

    def __init__(self, rasa_url: str, number: int, seed: int) -> None:
        self.url = require_loopback(rasa_url) + "/webhooks/rest/webhook"
        self.sender = f"floor-{seed}-{number}-{random.Random(seed + number).getrandbits(48):x}"
        self.messages: Iterator[str] = itertools.cycle(
            FLOOR_SCRIPT[number % 3 :] + FLOOR_SCRIPT[: number % 3]
        )

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
        self.received(response)
        return response.status_code

    def received(self, response: httpx.Response) -> None:
        """What a subclass wants to check in a reply (ScoringLearner counts scored answers)."""


async def run_load(
    label: str,
    learners: list,
    duration: float,
    max_messages: int,
    think: tuple[float, float] = (0.0, 0.0),
) -> Result:
    """Drive every learner concurrently until `duration` seconds or `max_messages` replies;
    each waits a random `think` time (seconds, uniform in the range) after each reply."""
    pause = random.Random(len(learners))
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
                except httpx.HTTPError as error:
                    status = 0
                    name = type(error).__name__
                    result.failures[name] = result.failures.get(name, 0) + 1
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status == 200:
                    result.latencies.append(time.perf_counter() - sent)
                    if think[1] > 0:
                        await asyncio.sleep(pause.uniform(*think))
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
    """Per learner: catalogue scenarios in a shuffled order, each answered right
    (`actions.transcript.right_answers`)."""
    from actions.engine import choice_payload as choose
    from actions.transcript import right_answers
    from scenarios.loader import default_catalogue

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


# ----- `make load`: learners through /chat, then every scored answer stored exactly once -------
REPLY_KEYS = frozenset({"text", "buttons", "image", "custom", "attachment"})


def scored_in(replies: object) -> int:
    """How many scored answers a /chat reply announces (`custom.type == score`,
    docs/architecture.md §4)."""
    if not isinstance(replies, list):
        return 0
    return sum(
        1
        for message in replies
        if isinstance(message, dict) and (message.get("custom") or {}).get("type") == "score"
    )


class ScoringLearner(VigieLearner):
    """A web-chat learner that counts the scored answers it is told about and the replies that
    are not a list of bot messages; `pseudonym` turns its session token into its learner id."""

    def __init__(self, api_url: str, plan: Iterator[str], pseudonym) -> None:
        super().__init__(api_url, plan)
        self.pseudonym = pseudonym
        self.learner: str | None = None
        self.scored = 0
        self.malformed = 0

    async def prepare(self, client: httpx.AsyncClient) -> None:
        await super().prepare(client)
        self.learner = self.pseudonym(self.session)

    def received(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            return
        replies = response.json()
        well_formed = isinstance(replies, list) and all(
            isinstance(m, dict) and m and set(m) <= REPLY_KEYS for m in replies
        )
        self.malformed += not well_formed
        self.scored += scored_in(replies)


def pseudonym_maker(var_dir):
    """token → learner id, as the API derives it (reads the stack's generated secrets)."""
    from api.core.security.chat_sessions import SessionSigner
    from vigie.settings import VigieSettings

    settings = VigieSettings(var_dir=var_dir)
    signer = SessionSigner(settings.secret("session_key"), 3600)
    pepper = settings.secret("pepper")
    return lambda token: signer.read(token).learner(pepper)


def outbox_backlog(var_dir) -> tuple[int, int]:
    """(events waiting in the action server's outbox, events the API rejected and parked)."""
    import sqlite3
    from pathlib import Path

    path = Path(var_dir) / "outbox.db"
    if not path.exists():
        return 0, 0
    with sqlite3.connect(path, timeout=30) as db:
        pending = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        rejected = db.execute("SELECT COUNT(*) FROM rejected").fetchone()[0]
    return pending, rejected


def stored_scores(var_dir, learners: list[str]) -> int:
    """How many `step_scored` events of these learners the API has stored."""
    import sqlite3
    from pathlib import Path

    rows = 0
    with sqlite3.connect(Path(var_dir) / "vigie.db", timeout=30) as db:
        for start in range(0, len(learners), 500):
            chunk = learners[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += db.execute(
                "SELECT COUNT(*) FROM progress_events "
                f"WHERE type = 'step_scored' AND learner_id IN ({marks})",
                chunk,
            ).fetchone()[0]
    return rows


@dataclass
class Tally:
    """Scored answers seen in replies against what the API stored, once the outbox is empty."""

    seen: int
    stored: int
    pending: int
    rejected: int
    malformed: int
    drain_s: float

    @property
    def lost(self) -> int:
        return max(0, self.seen - self.stored)

    @property
    def duplicated(self) -> int:
        return max(0, self.stored - self.seen)

    def as_dict(self) -> dict:
        return {
            "scored_seen": self.seen,
            "step_scored_stored": self.stored,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "outbox_pending": self.pending,
            "rejected": self.rejected,
            "malformed_replies": self.malformed,
            "drain_s": round(self.drain_s, 1),
        }


def tally(var_dir, learners: list[ScoringLearner], timeout: float = 120.0) -> Tally:
    """Wait until the outbox is empty (at most `timeout` s), then count stored scores."""
    start = time.monotonic()
    pending, rejected = outbox_backlog(var_dir)
    while pending and time.monotonic() - start < timeout:
        time.sleep(0.5)
        pending, rejected = outbox_backlog(var_dir)
    drained = time.monotonic() - start
    ids = [learner.learner for learner in learners if learner.learner]
    stored = stored_scores(var_dir, ids)
    return Tally(
        seen=sum(learner.scored for learner in learners),
        stored=stored,
        pending=pending,
        rejected=rejected,
        malformed=sum(learner.malformed for learner in learners),
        drain_s=drained,
    )


def scoring_learners(api_url: str, var_dir, count: int, seed: int) -> list[ScoringLearner]:
    pseudonym = pseudonym_maker(var_dir)
    return [ScoringLearner(api_url, plan, pseudonym) for plan in vigie_plans(count, seed)]


def report(result: Result, counted: Tally) -> str:
    row = result.as_dict()
    lines = [
        f"learners {row['learners']}, {row['elapsed_s']} s: {row['messages']} replies, "
        f"{row['throughput']} msg/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
        f"p99 {row['p99_ms']} ms, errors {row['errors']} (statuses {result.statuses}"
        + (f", client failures {result.failures})" if result.failures else ")"),
        f"scored answers seen {counted.seen}, step_scored stored {counted.stored}, "
        f"lost {counted.lost}, duplicated {counted.duplicated}, outbox pending {counted.pending}, "
        f"rejected {counted.rejected}, malformed replies {counted.malformed} "
        f"(outbox drained in {counted.drain_s:.1f} s)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    from devtools.stack import ARTIFACTS, MODEL, make_stack

    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="`make load`: N simulated learners play scenarios through /chat on a stack "
        "of its own (127.0.0.1, free ports, throw-away var dir); then every scored answer seen "
        "must be stored exactly once. Exit 1 on any error, lost or duplicated event.",
    )
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds (default 300)")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="seconds a learner waits after each reply, uniform (default 1 3; 0 0 = no pause)",
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make model`", file=sys.stderr)
        return 2
    ARTIFACTS.mkdir(exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="vigie-load-"))
    stack = make_stack(var_dir)
    try:
        started = time.monotonic()
        stack.start_all()
        print(f"stack ready in {time.monotonic() - started:.0f} s ({stack.api_url}, {var_dir})")
        warm = scoring_learners(stack.api_url, var_dir, 1, args.seed + 1)
        asyncio.run(run_load("warm-up", warm, 15, 6))
        learners = scoring_learners(stack.api_url, var_dir, args.learners, args.seed)
        result = asyncio.run(
            run_load("load", learners, args.duration, 10**9, think=tuple(args.think))
        )
        counted = tally(var_dir, learners)
    finally:
        stack.stop_all()
        shutil.rmtree(var_dir, ignore_errors=True)
    print(report(result, counted))
    if args.json:
        figures = result.as_dict() | counted.as_dict() | {"think_s": list(args.think)}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    failed = result.errors or counted.lost or counted.duplicated or counted.malformed
    return 1 if failed or counted.pending or counted.rejected else 0


if __name__ == "__main__":
    raise SystemExit(main())
