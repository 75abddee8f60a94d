"""`make bench`, the hour and not the first minute: one learner's long conversation, and a class
whose 50 learners are already 300 turns in, for Vigie (through /chat) and for the floor.

Loopback only, bounded in time and count; writes only to the throw-away stores of the stacks it
starts (tracker rows are cloned there) and to its own block of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.load import (
    REQUEST_TIMEOUT,
    FloorLearner,
    Result,
    VigieLearner,
    pseudonym_maker,
    run_load,
    vigie_plans,
)
from bench.procs import load_average, tree_cpu_seconds
from bench.side_by_side import (
    APP_PYTHON,
    DOC,
    FLOOR_DIR,
    LOGS,
    MODEL,
    RASA,
    SEED,
    VIGIE_BENCH_ENV,
    VIGIE_PROCESSES,
    Started,
    add_env_option,
    clean_env,
    experiment_env,
    find_processes,
    floor_model,
    load_levels,
    machine,
    write_doc,
)
from devtools.processes import free_port

BEGIN, END = "<!-- BEGIN bench.long_run -->", "<!-- END bench.long_run -->"
LONG_SEED = SEED + 15
DONOR = 1000  # the floor learner's number: its script and sender id
SESSION_STARTED = "session_started"
EVENT_COLUMNS = "type_name, timestamp, intent_name, action_name, data"


@dataclass(frozen=True)
class Sizes:
    """How long each run is; every run is also bounded in wall time (`budget_s`)."""

    turns: int = 400
    block: int = 50
    late_turns: int = 300
    late_learners: int = 50
    late_seconds: float = 30.0
    late_max_messages: int = 3000
    budget_s: float = 900.0

    @classmethod
    def quick(cls) -> Sizes:
        return cls(turns=120, block=30, late_turns=90, late_learners=20, late_seconds=8.0,
                   late_max_messages=600, budget_s=300.0)  # fmt: skip


def cpu_now(processes: dict[str, int]) -> dict[str, float]:
    return {name: tree_cpu_seconds(pid) for name, pid in processes.items()}


def cpu_ms_per_reply(
    before: dict[str, float], after: dict[str, float], replies: int
) -> dict[str, float]:
    if not replies:
        return {}
    return {name: 1000 * (after[name] - before[name]) / replies for name in before}


def skip(messages: Iterator[str], count: int) -> Iterator[str]:
    """The same iterator, `count` messages further on."""
    next(itertools.islice(messages, count, count), None)
    return messages


# ----- the tracker store: what a learner's conversation is, and its clones -------------------
def tracker_rows(db: Path, sender: str) -> list[tuple]:
    """Every stored event of one conversation, in Rasa's order (its `id`)."""
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
        return conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()


def clone_rows(db: Path, rows: list[tuple], senders: list[str]) -> None:
    """The same conversation under other sender ids, as if each had played it (one commit)."""
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn, conn:
        conn.executemany(
            f"INSERT INTO events (sender_id, {EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [(sender, *row) for sender in senders for row in rows],
        )


def loaded_per_message(rows: list[tuple]) -> int:
    """How many of these events Rasa loads for the next message: those of the latest session
    (SQLTrackerStore._event_query: timestamp ≥ the latest session start, or all)."""
    starts = [timestamp for kind, timestamp, *_ in rows if kind == SESSION_STARTED]
    if not starts:
        return len(rows)
    return sum(1 for _kind, timestamp, *_ in rows if timestamp >= max(starts))


# ----- the two systems ---------------------------------------------------------------------
class ContinuingLearner(VigieLearner):
    """A web-chat learner whose session may already be open: `prepare` then keeps it."""

    async def prepare(self, client: httpx.AsyncClient) -> None:
        if self.session is None:
            await super().prepare(client)


@dataclass
class Target:
    """A running system: where to send, its tracker store, the processes whose CPU counts."""

    label: str
    url: str
    tracker_db: Path
    processes: dict[str, int] = field(default_factory=dict)

    def learner(self, plan_seed: int):
        raise NotImplementedError

    def sender(self, learner) -> str:
        raise NotImplementedError

    async def continuing(self, count: int, turns: int) -> list:
        """`count` new learners at `turns` into the long learner's plan (their senders empty)."""
        raise NotImplementedError


class FloorTarget(Target):
    def learner(self, plan_seed: int) -> FloorLearner:
        return FloorLearner(self.url, DONOR, plan_seed)

    def sender(self, learner: FloorLearner) -> str:
        return learner.sender

    async def continuing(self, count: int, turns: int) -> list[FloorLearner]:
        learners = []
        for number in range(count):
            learner = self.learner(LONG_SEED)
            learner.sender = f"floor-late-{number}"
            learner.messages = skip(learner.messages, turns)
            learners.append(learner)
        return learners


class VigieTarget(Target):
    def __init__(self, url: str, var_dir: Path, processes: dict[str, int]) -> None:
        super().__init__("Vigie", url, var_dir / "rasa_tracker.db", processes)
        self.pseudonym = pseudonym_maker(var_dir)

    def learner(self, plan_seed: int) -> ContinuingLearner:
        return ContinuingLearner(self.url, vigie_plans(1, plan_seed)[0])

    def sender(self, learner: ContinuingLearner) -> str:
        assert learner.session is not None, "the learner has no session yet"
        return self.pseudonym(learner.session)

    async def continuing(self, count: int, turns: int) -> list[ContinuingLearner]:
        learners = [self.learner(LONG_SEED) for _ in range(count)]
        async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT) as client:
            for learner in learners:
                await learner.prepare(client)  # a /chat/session token: the sender id
                learner.plan = skip(learner.plan, turns)
        return learners


@contextlib.contextmanager
def floor_running() -> Iterator[FloorTarget]:
    """The starter bot (trained once, cached) on its own REST webhook, throw-away tracker."""
    model, _train_s, _cached = floor_model()
    with tempfile.TemporaryDirectory(prefix="vigie-floor-long-") as work:
        port, tracker = free_port(), Path(work) / "tracker.db"
        server = Started(
            "floor-long-rasa",
            [
                str(RASA), "run", "--interface", "127.0.0.1", "--port", str(port),
                "--model", str(model), "--endpoints", str(FLOOR_DIR / "endpoints.yml"),
                "--credentials", str(FLOOR_DIR / "credentials.yml"),
            ],
            clean_env(FLOOR_TRACKER_DB=str(tracker)),
        )  # fmt: skip
        try:
            server.wait_http(f"http://127.0.0.1:{port}/", 300)
            url = f"http://127.0.0.1:{port}"
            yield FloorTarget("floor", url, tracker, {"rasa": server.popen.pid})
        finally:
            server.interrupt()


def vigie_command(ports: list[int]) -> list[str]:
    """`vigie run` (what `make run` starts) on these rasa, actions and api ports."""
    return [
        str(APP_PYTHON), "-m", "ops.cli", "run", "--rasa-port", str(ports[0]),
        "--actions-port", str(ports[1]), "--api-port", str(ports[2]),
        "--models", str(MODEL.parent),
    ]  # fmt: skip


@contextlib.contextmanager
def vigie_running(
    name: str = "vigie-long-run", extra_env: dict[str, str] | None = None
) -> Iterator[VigieTarget]:
    """Vigie's own stack (`vigie run`) on free ports with a throw-away state directory;
    `extra_env` sets more of its settings (an experiment: `--env VIGIE_X=…`)."""
    with tempfile.TemporaryDirectory(prefix="vigie-long-") as work:
        var_dir, ports = Path(work) / "var", [free_port() for _ in range(3)]
        env = clean_env(VIGIE_VAR_DIR=str(var_dir), **VIGIE_BENCH_ENV, **(extra_env or {}))
        stack = Started(name, vigie_command(ports), env)
        try:
            stack.wait_line(r"Vigie is ready\.", 300)
            url = f"http://127.0.0.1:{ports[2]}"
            yield VigieTarget(url, var_dir, find_processes(stack.popen.pid, VIGIE_PROCESSES))
        finally:
            stack.interrupt()


# ----- the runs ----------------------------------------------------------------------------
@dataclass
class Block:
    first_turn: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    cpu_ms: dict[str, float] = field(default_factory=dict)

    @property
    def turns(self) -> str:
        return f"{self.first_turn}–{self.first_turn + len(self.latencies) + self.errors - 1}"

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu_ms.values())

    def as_dict(self) -> dict:
        return {
            "turns": self.turns,
            "replies": len(self.latencies),
            "errors": self.errors,
            "median_ms": round(self.median_ms, 1),
            "cpu_ms_per_reply": {name: round(ms, 1) for name, ms in self.cpu_ms.items()},
        }


@dataclass
class LongRun:
    label: str
    blocks: list[Block]
    load: tuple[str, str]
    stored: int  # events of the conversation in the tracker store at the end
    loaded: int  # of which Rasa loads for the next message
    snapshot: list[tuple]  # the conversation's rows at the late-class turn

    @property
    def ratio(self) -> float:
        first, last = self.blocks[0].median_ms, self.blocks[-1].median_ms
        return last / first if len(self.blocks) > 1 and first else float("nan")

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "blocks": [block.as_dict() for block in self.blocks],
            "last_over_first": round(self.ratio, 2),
            "load_start_end": list(self.load),
            "events_stored": self.stored,
            "events_loaded_per_message": self.loaded,
        }


async def warm_up(target: Target) -> None:
    """A few messages of another learner, not counted (spaCy, the model, the connections)."""
    await run_load("warm-up", [target.learner(LONG_SEED + 1)], 30, 16)


async def long_conversation(target: Target, sizes: Sizes) -> LongRun:
    """One learner, `sizes.turns` turns one after the other; each block's median reply time
    and CPU per reply; the conversation's rows are kept at turn `sizes.late_turns`."""
    learner = target.learner(LONG_SEED)
    blocks: list[Block] = []
    snapshot: list[tuple] = []
    start_load = load_average()
    deadline = time.monotonic() + sizes.budget_s
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT) as client:
        await learner.prepare(client)
        sender = target.sender(learner)
        for first in range(0, sizes.turns, sizes.block):
            if time.monotonic() > deadline:
                break
            block, before = Block(first), cpu_now(target.processes)
            for turn in range(first, min(first + sizes.block, sizes.turns)):
                if time.monotonic() > deadline:
                    break
                sent = time.perf_counter()
                try:
                    status = await learner.send(client)
                except httpx.HTTPError:
                    status = 0
                if status == 200:
                    block.latencies.append(time.perf_counter() - sent)
                else:
                    block.errors += 1
                if turn + 1 == sizes.late_turns:
                    snapshot = tracker_rows(target.tracker_db, sender)
            block.cpu_ms = cpu_ms_per_reply(before, cpu_now(target.processes), len(block.latencies))
            blocks.append(block)
            print(
                f"bench: {target.label:<5} long, turns {block.turns:>7}: median "
                f"{block.median_ms:5.0f} ms, CPU/reply "
                + " ".join(f"{n} {ms:.0f}" for n, ms in sorted(block.cpu_ms.items()))
                + f" ms, errors {block.errors}, load {load_average()}",
                flush=True,
            )
    rows = tracker_rows(target.tracker_db, sender)
    return LongRun(target.label, blocks, (start_load, load_average()), len(rows),
                   loaded_per_message(rows), snapshot)  # fmt: skip


@dataclass
class LateRun:
    result: Result
    turns: int
    load: tuple[str, str]


async def late_learners(target: Target, snapshot: list[tuple], count: int, turns: int) -> list:
    """`count` learners each `turns` into the conversation `snapshot` holds (cloned rows)."""
    learners = await target.continuing(count, turns)
    clone_rows(target.tracker_db, snapshot, [target.sender(learner) for learner in learners])
    return learners


async def pre_played(target: Target, count: int, turns: int) -> list:
    """`count` learners `turns` into their conversation: one plays them, the others are clones."""
    sizes = Sizes(turns=turns, block=turns, late_turns=turns)
    donor = await long_conversation(target, sizes)
    return await late_learners(target, donor.snapshot, count, turns)


def late_class(target: Target, learners: list, sizes: Sizes) -> LateRun:
    """The late learners in a closed loop for `sizes.late_seconds` (bench/load.py)."""
    start_load = load_average()
    [result] = load_levels(
        f"{target.label} late",
        lambda _count: learners,
        {len(learners): sizes.late_seconds},
        sizes.late_max_messages,
        target.processes,
    )
    return LateRun(result, sizes.late_turns, (start_load, load_average()))


def measure(target: Target, sizes: Sizes) -> tuple[LongRun, LateRun | None]:
    asyncio.run(warm_up(target))
    long = asyncio.run(long_conversation(target, sizes))
    if not long.snapshot:
        print(f"bench: {target.label}: the long run ended before turn {sizes.late_turns}")
        return long, None
    learners = asyncio.run(
        late_learners(target, long.snapshot, sizes.late_learners, sizes.late_turns)
    )
    return long, late_class(target, learners, sizes)


# ----- report ------------------------------------------------------------------------------
def _cpu(cpu_ms: dict[str, float]) -> str:
    parts = ", ".join(f"{name} {ms:.0f}" for name, ms in sorted(cpu_ms.items()) if name != "purge")
    return f"{parts} (**{sum(cpu_ms.values()):.0f}**)" if cpu_ms else "-"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b and not math.isnan(a) and not math.isnan(b) else "-"


def long_table(floor: LongRun, vigie: LongRun) -> str:
    lines = [
        "| turns | floor median ms | floor CPU ms/reply | Vigie median ms "
        "| Vigie CPU ms/reply, by process (total) | median Vigie/floor |",
        "|---|---:|---:|---:|---|---:|",
    ]
    empty = Block(0)
    for f, v in itertools.zip_longest(floor.blocks, vigie.blocks, fillvalue=empty):
        lines.append(
            f"| {(v if v is not empty else f).turns} | {f.median_ms:.0f} | {f.cpu_total:.0f} "
            f"| {v.median_ms:.0f} | {_cpu(v.cpu_ms)} | {_ratio(v.median_ms, f.median_ms)} |"
        )
    f_cpu = _ratio(floor.blocks[-1].cpu_total, floor.blocks[0].cpu_total)
    v_cpu = _ratio(vigie.blocks[-1].cpu_total, vigie.blocks[0].cpu_total)
    lines.append(
        f"| **last / first block** | **× {floor.ratio:.2f}** | × {f_cpu} "
        f"| **× {vigie.ratio:.2f}** | × {v_cpu} | |"
    )
    return "\n".join(lines)


def late_table(floor: LateRun, vigie: LateRun) -> str:
    lines = [
        "| run | learners, turns already played | replies/s | p50 / p95 / p99 ms | errors "
        "| CPU ms per reply, by process (total) | load average start → end |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for label, run in (("floor", floor), ("Vigie", vigie)):
        r = run.result
        lines.append(
            f"| {label} | {r.learners}, {run.turns} | {r.throughput:.1f} "
            f"| {1000 * r.percentile(50):.0f} / {1000 * r.percentile(95):.0f} / "
            f"{1000 * r.percentile(99):.0f} | {r.errors} | {_cpu(r.cpu_ms)} "
            f"| {run.load[0]} → {run.load[1]} |"
        )
    f, v = floor.result, vigie.result
    lines.append(
        f"| **Vigie / floor** | | **{_ratio(v.throughput, f.throughput)}** "
        f"| p95 **{_ratio(v.percentile(95), f.percentile(95))}** | "
        f"| {_ratio(sum(v.cpu_ms.values()), sum(f.cpu_ms.values()))} | |"
    )
    return "\n".join(lines)


def render(report: dict, command: str) -> str:
    m, sizes = report["machine"], report["sizes"]
    floor_long, vigie_long = report["floor"][0], report["vigie"][0]
    lines = [
        BEGIN,
        f"Measured {m['date']} by `{command}` ({report['elapsed_s']:.0f} s in all) on: "
        f"{m['cpu']}, {m['memory']} RAM, Python {m['python']}, Rasa {m['rasa']}.",
        "",
        f"**Long conversation**: one learner, {sizes.turns} turns one after the other "
        f"(Vigie: scenario after scenario through `/chat`; the floor: its script on its "
        f"webhook); median reply time and CPU per reply by block of {sizes.block} turns. Load "
        f"average: floor {floor_long.load[0]} → {floor_long.load[1]}, Vigie "
        f"{vigie_long.load[0]} → {vigie_long.load[1]}.",
        "",
        long_table(floor_long, vigie_long),
        "",
        f"Events of the conversation in the tracker store at the end: floor "
        f"{floor_long.stored} (Rasa loads {floor_long.loaded} of them per message), Vigie "
        f"{vigie_long.stored} (Rasa loads {vigie_long.loaded}). Errors: floor "
        f"{sum(b.errors for b in floor_long.blocks)}, Vigie "
        f"{sum(b.errors for b in vigie_long.blocks)}.",
    ]
    floor_late, vigie_late = report["floor"][1], report["vigie"][1]
    if floor_late and vigie_late:
        lines += [
            "",
            f"**Late class**: {sizes.late_learners} learners each {sizes.late_turns} turns into "
            f"their conversation (the long learner's tracker rows at turn {sizes.late_turns}, "
            "cloned; not counted), then closed loop (each sends its next message when the "
            f"reply arrives) for {sizes.late_seconds:.0f} s.",
            "",
            late_table(floor_late, vigie_late),
        ]
    return "\n".join([*lines, END])


def as_json(report: dict) -> dict:
    def runs(pair: tuple[LongRun, LateRun | None]) -> dict:
        long, late = pair
        out = {"long": long.as_dict()}
        if late:
            out["late"] = late.result.as_dict() | {"turns_before": late.turns,
                                                   "load_start_end": list(late.load)}  # fmt: skip
        return out

    return {
        "machine": report["machine"],
        "sizes": report["sizes"].__dict__,
        "elapsed_s": round(report["elapsed_s"], 1),
        **{label: runs(report[label]) for label in ("floor", "vigie") if label in report},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--only", choices=("floor", "vigie"), help="one system only (printed, never written)"
    )
    add_env_option(parser)
    args = parser.parse_args(argv)
    extra_env = experiment_env(args)
    if not MODEL.exists():
        print(f"bench: {MODEL} is missing: run `make model` first", file=sys.stderr)
        return 2
    sizes = Sizes.quick() if args.quick else Sizes()
    start = time.perf_counter()
    report: dict = {"machine": machine(), "sizes": sizes}
    print(f"bench: long conversations and a late class, load {report['machine']['load_before']}")
    if args.only != "vigie":
        with floor_running() as floor:
            report["floor"] = measure(floor, sizes)
    if args.only != "floor":
        with vigie_running(extra_env=extra_env) as vigie:
            report["vigie"] = measure(vigie, sizes)
    report["elapsed_s"] = time.perf_counter() - start
    LOGS.mkdir(parents=True, exist_ok=True)
    (LOGS / "long_run.json").write_text(json.dumps(as_json(report), indent=2))
    if args.only or extra_env:
        return 0
    command = "make bench" + (" (bench.long_run --quick)" if args.quick else "")
    block = render(report, command)
    print("\n" + block.replace(BEGIN + "\n", "").replace("\n" + END, ""))
    if not args.no_write:
        write_doc(block, BEGIN, END)
        print(f"\nbench: written to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
