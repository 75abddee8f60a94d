"""`make bench`: Vigie against the floor (a bare `rasa init` bot), side by side, on this machine.

One run measures, in order: the scoring batch rate; the floor (starter bot trained once into
var/bench-cache, SQL tracker on SQLite, in-memory lock, REST webhook); Vigie started by its own
launcher (`vigie run`: time to ready, then /chat playing scenarios); the scaled layout
(`vigie run-scaled`: 2 Rasa + 2 action servers + 2 API behind nginx, PostgreSQL, Redis).
Each load level is N closed-loop learners (bench/load.py) bounded in time and count, on
127.0.0.1 only. Prints the table and writes it into docs/benchmarks.md between markers.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

from bench.load import FloorLearner, Result, VigieLearner, run_load, vigie_plans
from bench.procs import RssSampler, cmdline, load_average, postmaster, tree, tree_cpu_seconds
from devtools.processes import Process, free_port, wait_ready
from vigie.settings import PROJECT_ROOT

RASA_VENV = PROJECT_ROOT / ".venv-rasa"
RASA = RASA_VENV / "bin" / "rasa"
APP_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
FLOOR_DIR = PROJECT_ROOT / "bench" / "floor"
CACHE = PROJECT_ROOT / "var" / "bench-cache"
LOGS = PROJECT_ROOT / "var" / "bench-logs"
MODEL = PROJECT_ROOT / "models" / "vigie.tar.gz"
TRAIN_TIMING = PROJECT_ROOT / "models" / "vigie.train-time"
DOC = PROJECT_ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- BEGIN make bench -->", "<!-- END make bench -->"
RASA_ENV = {
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "RASA_TELEMETRY_ENABLED": "false",
}
LEVELS = (1, 10, 50)
# A bench learner sends without pause: the API's per-session message limit (120 at once, then
# 60 a minute; api/core/settings.py) would answer 429 after ~12 s. Lifted for Vigie's bench stacks.
VIGIE_BENCH_ENV = {"VIGIE_CHAT_MESSAGES_BURST_PER_SESSION": "1000000"}
SEED = 20260907


@dataclass
class Durations:
    """Seconds of measured load per level (after a warm-up that is not counted)."""

    per_level: dict[int, float] = field(default_factory=lambda: {1: 12.0, 10: 15.0, 50: 20.0})
    scaled: dict[int, float] = field(default_factory=lambda: {50: 20.0})
    max_messages: int = 3000

    @classmethod
    def quick(cls) -> Durations:
        return cls({1: 4.0, 10: 5.0, 50: 6.0}, {50: 6.0}, 600)


# ----- processes ------------------------------------------------------------------------------
class Started:
    """A process (group) with its output in a log file and a ready line to wait for."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log = LOGS / f"{name}.log"
        self.started = time.perf_counter()
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.popen = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.process = Process(name, self.popen, self.log)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        with self.log.open("wb") as log:
            for raw in self.popen.stdout:
                log.write(raw)
                log.flush()
                with self._seen:
                    self.lines.append(raw.decode(errors="replace"))
                    self._seen.notify_all()

    def wait_line(self, pattern: str, timeout: float) -> re.Match[str]:
        """Seconds since start when a line matches; fails if the process exits first."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        index = 0
        with self._seen:
            while True:
                for line in self.lines[index:]:
                    found = regex.search(line)
                    if found:
                        return found
                index = len(self.lines)
                if self.popen.poll() is not None:
                    raise RuntimeError(f"{self.name} exited before ready: see {self.log}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s: {self.log}")
                self._seen.wait(timeout=1.0)

    def wait_http(self, url: str, timeout: float) -> float:
        """Seconds since start when `url` answers 200."""
        wait_ready({self.name: self.process}, {self.name: url}, timeout, every=0.25)
        return time.perf_counter() - self.started

    def interrupt(self, timeout: float = 40.0) -> None:
        """Ctrl-C to the process group, as a terminal would; SIGKILL if it lingers."""
        self.process.stop(timeout, how=signal.SIGINT, group=True)
        self._reader.join(timeout=5)


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("VIGIE_") and key != "DATABASE_URL"
    }
    return env | RASA_ENV | {"PYTHONUNBUFFERED": "1"} | extra


def find_processes(root: int, patterns: dict[str, str]) -> dict[str, int]:
    """Top-most processes of `root`'s tree matching each pattern; duplicates get #2, #3…"""
    found: dict[str, int] = {}
    claimed: set[int] = set()
    for pid in tree(root):
        if any(pid in tree(owner) for owner in claimed):
            continue
        line = cmdline(pid)
        for pattern, name in patterns.items():
            if pattern in line:
                key, number = name, 2
                while key in found:
                    key, number = f"{name}#{number}", number + 1
                found[key] = pid
                claimed.add(pid)
                break
    return found


# ----- measurements ------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    rasa_version = subprocess.run(
        [str(RASA_VENV / "bin" / "python"), "-c", "import rasa; print(rasa.__version__)"],
        capture_output=True,
        text=True,
        env=clean_env(),
    ).stdout.strip()
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{psutil.virtual_memory().total / 1024**3:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "rasa": rasa_version,
        "load_before": load_average(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def scoring_rate() -> dict[str, float]:
    """`python -m tools.evaluate_scoring`'s batch rate (1,000 answers, spaCy loaded once)."""
    output = subprocess.run(
        [str(APP_PYTHON), "-m", "tools.evaluate_scoring"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_env(),
    ).stdout
    found = re.search(
        r"batch rate: (\d+) answers in ([\d.]+) s \((\d+) answers/s\) after a ([\d.]+) s", output
    )
    if not found:
        return {}
    return {
        "answers": int(found[1]),
        "seconds": float(found[2]),
        "rate": float(found[3]),
        "load_s": float(found[4]),
    }


def floor_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(FLOOR_DIR.rglob("*.yml")):
        digest.update(path.relative_to(FLOOR_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(RASA.resolve().as_posix().encode())
    return digest.hexdigest()[:12]


def floor_model() -> tuple[Path, float, bool]:
    """The starter bot's model, trained once per content (cached); (path, train s, cached)."""
    name = f"floor-{floor_digest()}"
    model, timing = CACHE / f"{name}.tar.gz", CACHE / f"{name}.json"
    if model.exists() and timing.exists():
        return model, json.loads(timing.read_text())["train_seconds"], True
    CACHE.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    print("bench: training the floor (the `rasa init` starter bot), once …", flush=True)
    with tempfile.TemporaryDirectory(prefix="vigie-floor-") as work:
        start = time.perf_counter()
        subprocess.run(
            [
                str(RASA), "train", "--data", str(FLOOR_DIR / "data"),
                "--domain", str(FLOOR_DIR / "domain.yml"),
                "--config", str(FLOOR_DIR / "config.yml"),
                "--out", str(CACHE), "--fixed-model-name", name,
            ],
            cwd=work, env=clean_env(), check=True, stdout=(LOGS / "floor-train.log").open("wb"),
            stderr=subprocess.STDOUT, timeout=900,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    timing.write_text(json.dumps({"train_seconds": round(seconds, 1)}))
    return model, seconds, False


def vigie_training() -> dict[str, object]:
    """Vigie's training time, from the timing file `make model` writes (not retrained here)."""
    if TRAIN_TIMING.exists():
        start, end = (float(x) for x in TRAIN_TIMING.read_text().split()[:2])
        return {"seconds": round(end - start, 1), "source": "models/vigie.train-time"}
    return {"seconds": None, "source": "no timing file: run `make model` after a change"}


def load_levels(
    label: str,
    make_learners,
    levels: dict[int, float],
    max_messages: int,
    processes: dict[str, int],
) -> list[Result]:
    """Each level in turn; also the CPU time each process spent per reply during it."""
    results = []
    for count, seconds in levels.items():
        learners = make_learners(count)
        before = {name: tree_cpu_seconds(pid) for name, pid in processes.items()}
        result = asyncio.run(run_load(label, learners, seconds, max_messages))
        if result.ok:
            result.cpu_ms = {
                name: 1000 * (tree_cpu_seconds(pid) - before[name]) / result.ok
                for name, pid in processes.items()
            }
        print(
            f"bench: {label:<7} {count:>3} learners: {result.throughput:6.1f} msg/s  "
            f"p50 {1000 * result.percentile(50):6.0f} ms  p95 {1000 * result.percentile(95):6.0f}"
            f" ms  p99 {1000 * result.percentile(99):6.0f} ms  errors {result.errors}  "
            + "CPU ms/reply "
            + " ".join(f"{name} {ms:.0f}" for name, ms in sorted(result.cpu_ms.items())),
            flush=True,
        )
        results.append(result)
    return results


def bench_floor(durations: Durations) -> dict:
    model, train_s, cached = floor_model()
    with tempfile.TemporaryDirectory(prefix="vigie-floor-run-") as work:
        port = free_port()
        server = Started(
            "floor-rasa",
            [
                str(RASA), "run", "--interface", "127.0.0.1", "--port", str(port),
                "--model", str(model), "--endpoints", str(FLOOR_DIR / "endpoints.yml"),
                "--credentials", str(FLOOR_DIR / "credentials.yml"),
            ],
            clean_env(FLOOR_TRACKER_DB=str(Path(work) / "tracker.db")),
        )  # fmt: skip
        try:
            ready = server.wait_http(f"http://127.0.0.1:{port}/", 300)
            url = f"http://127.0.0.1:{port}"
            counter = iter(range(10**6))

            def learners(count: int) -> list[FloorLearner]:
                return [FloorLearner(url, next(counter), SEED) for _ in range(count)]

            asyncio.run(run_load("warm-up", learners(2), 20, 16))
            processes = {"rasa": server.popen.pid}
            with RssSampler(lambda: processes) as rss:
                results = load_levels("floor", learners, durations.per_level, 3000, processes)
        finally:
            server.interrupt()
    return {
        "train_s": round(train_s, 1),
        "train_cached": cached,
        "ready_s": round(ready, 1),
        "levels": results,
        "rss_kib": rss.peaks,
        "rss_total_kib": rss.peak_total,
    }


VIGIE_PROCESSES = {
    "rasa run": "rasa",
    "nlu.rasa_main run": "rasa",  # how the launcher starts Rasa (nlu/rasa_main.py)
    "rasa_sdk": "actions",
    "actions.server": "actions",
    "ops.cli api": "api",
    "ops.cli purge": "purge",
}


def bench_vigie(durations: Durations, extra_env: dict[str, str]) -> dict:
    """`vigie run` under load; `extra_env` sets more of its settings (an experiment)."""
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as work:
        ports = {name: free_port() for name in ("rasa", "actions", "api")}
        stack = Started(
            "vigie-run",
            [
                str(APP_PYTHON), "-m", "ops.cli", "run",
                "--rasa-port", str(ports["rasa"]), "--actions-port", str(ports["actions"]),
                "--api-port", str(ports["api"]), "--models", str(MODEL.parent),
            ],
            clean_env(VIGIE_VAR_DIR=str(Path(work) / "var"), **VIGIE_BENCH_ENV, **extra_env),
        )  # fmt: skip
        try:
            stack.wait_line(r"Vigie is ready\.", 300)
            ready = time.perf_counter() - stack.started
            url = f"http://127.0.0.1:{ports['api']}"
            results, rss = _vigie_load(url, stack.popen.pid, durations.per_level, durations)
        finally:
            stack.interrupt()
    return {
        "ready_s": round(ready, 1),
        "levels": results,
        "rss_kib": rss.peaks,
        "rss_total_kib": rss.peak_total,
    }


def _vigie_load(url: str, root: int, levels: dict[int, float], durations: Durations):
    plans = iter(vigie_plans(2 + sum(levels), SEED))

    def learners(count: int) -> list[VigieLearner]:
        return [VigieLearner(url, next(plans)) for _ in range(count)]

    # Warm-up (not counted): one scenario played through, so spaCy is loaded in the actions.
    asyncio.run(run_load("warm-up", learners(2), 30, 16))
    processes = find_processes(root, VIGIE_PROCESSES)
    with RssSampler(lambda: processes) as rss:
        results = load_levels("vigie", learners, levels, durations.max_messages, processes)
    return results, rss


def bench_scaled(durations: Durations) -> dict:
    stack = Started(
        "vigie-scaled",
        [str(APP_PYTHON), "-m", "ops.cli", "run-scaled", "--free-ports"],
        clean_env(),
    )
    try:
        found = stack.wait_line(r"Web chat:\s+(http://127\.0\.0\.1:\d+)/", 400)
        ready = time.perf_counter() - stack.started
        data_dir = stack.wait_line(r"throw-away data in (\S+)", 5)[1]
        url = found[1]
        plans = iter(vigie_plans(2 + sum(durations.scaled), SEED + 1))

        def learners(count: int) -> list[VigieLearner]:
            return [VigieLearner(url, next(plans)) for _ in range(count)]

        asyncio.run(run_load("warm-up", learners(2), 30, 16))
        processes = find_processes(
            stack.popen.pid, VIGIE_PROCESSES | {"nginx": "nginx", "redis-server": "redis"}
        )
        postgres = postmaster(f"{data_dir}/postgres/data")
        if postgres:
            processes["postgres"] = postgres
        with RssSampler(lambda: processes) as rss:
            results = load_levels(
                "scaled", learners, durations.scaled, durations.max_messages, processes
            )
    finally:
        stack.interrupt(timeout=60)
    return {
        "ready_s": round(ready, 1),
        "levels": results,
        "rss_kib": rss.peaks,
        "rss_total_kib": rss.peak_total,
    }


# ----- report ----------------------------------------------------------------------------------
def _ms(result: Result, q: float) -> str:
    return f"{1000 * result.percentile(q):.0f}"


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def table(report: dict) -> str:
    floor = {r.learners: r for r in report["floor"]["levels"]}
    vigie = {r.learners: r for r in report["vigie"]["levels"]}
    lines = [
        "| learners | floor msg/s | Vigie msg/s | Vigie/floor | floor p50 / p95 / p99 ms "
        "| Vigie p50 / p95 / p99 ms | p95 Vigie/floor | errors floor, Vigie |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count in sorted(vigie):
        f, v = floor.get(count), vigie[count]
        if f is None:
            continue
        ratio = v.throughput / f.throughput if f.throughput else float("nan")
        p95 = v.percentile(95) / f.percentile(95) if f.latencies else float("nan")
        lines.append(
            f"| {count} | {f.throughput:.1f} | {v.throughput:.1f} | **{ratio:.2f}** "
            f"| {_ms(f, 50)} / {_ms(f, 95)} / {_ms(f, 99)} "
            f"| {_ms(v, 50)} / {_ms(v, 95)} / {_ms(v, 99)} | **{p95:.2f}** "
            f"| {f.errors}, {v.errors} |"
        )
    for result in report.get("scaled", {}).get("levels", []):
        f = floor.get(result.learners)
        ratio = result.throughput / f.throughput if f and f.throughput else float("nan")
        p95 = result.percentile(95) / f.percentile(95) if f and f.latencies else float("nan")
        lines.append(
            f"| {result.learners}, scaled | {f.throughput if f else float('nan'):.1f} "
            f"| {result.throughput:.1f} | **{ratio:.2f}** "
            f"| {_ms(f, 50) if f else '-'} / {_ms(f, 95) if f else '-'} / "
            f"{_ms(f, 99) if f else '-'} "
            f"| {_ms(result, 50)} / {_ms(result, 95)} / {_ms(result, 99)} | **{p95:.2f}** "
            f"| -, {result.errors} |"
        )
    return "\n".join(lines)


def other_figures(report: dict) -> str:
    floor, vigie = report["floor"], report["vigie"]
    training = report["training"]
    scoring = report["scoring"]
    lines = [
        "| figure | value |",
        "|---|---|",
        f'| Vigie: `vigie run` (what `make run` starts, warm) → "Vigie is ready." '
        f"| {vigie['ready_s']} s |",
        f"| floor: `rasa run` → answering | {floor['ready_s']} s |",
    ]
    if "scaled" in report:
        lines.append(
            f"| scaled: `vigie run-scaled` (make run-scaled) → ready "
            f"| {report['scaled']['ready_s']} s |"
        )
    vigie_train = (
        f"{training['seconds']} s ({training['source']})"
        if training["seconds"] is not None
        else training["source"]
    )
    lines += [
        f"| Vigie model training (`make model`) | {vigie_train} |",
        f"| floor model training (`rasa train`, starter bot) | {floor['train_s']} s"
        + (" (cached: measured when first trained)" if floor["train_cached"] else "")
        + " |",
    ]
    if scoring:
        lines.append(
            f"| scoring batch rate (`python -m tools.evaluate_scoring`) "
            f"| {scoring['rate']:.0f} answers/s ({scoring['answers']} in {scoring['seconds']} s, "
            f"after a {scoring['load_s']} s spaCy load) |"
        )
    for name, kib in sorted(vigie["rss_kib"].items()):
        lines.append(f"| peak RSS, Vigie {name} | {_mib(kib)} MiB |")
    lines.append(
        f"| peak RSS, Vigie whole stack (sum, sampled every 0.5 s) "
        f"| **{_mib(vigie['rss_total_kib'])} MiB** |"
    )
    lines.append(f"| peak RSS, floor rasa | {_mib(floor['rss_total_kib'])} MiB |")
    if "scaled" in report:
        scaled = report["scaled"]
        parts = ", ".join(f"{n} {_mib(k)}" for n, k in sorted(scaled["rss_kib"].items()))
        lines.append(
            f"| peak RSS, scaled layout (MiB: {parts}) | {_mib(scaled['rss_total_kib'])} MiB |"
        )
    return "\n".join(lines)


def cpu_table(report: dict) -> str:
    """CPU milliseconds each process spent per reply: the cost, whatever else the cores run."""
    rows = [("floor", r) for r in report["floor"]["levels"]]
    rows += [("Vigie", r) for r in report["vigie"]["levels"]]
    rows += [("scaled", r) for r in report.get("scaled", {}).get("levels", [])]
    lines = [
        "| run | learners | CPU ms per reply, by process (tree) | total |",
        "|---|---:|---|---:|",
    ]
    for label, result in rows:
        if not result.cpu_ms:
            continue
        parts = ", ".join(f"{name} {ms:.0f}" for name, ms in sorted(result.cpu_ms.items()))
        lines.append(
            f"| {label} | {result.learners} | {parts} | {sum(result.cpu_ms.values()):.0f} |"
        )
    return "\n".join(lines)


def render(report: dict, command: str) -> str:
    m = report["machine"]
    return "\n".join(
        [
            BEGIN,
            f"Measured {m['date']} by `{command}` ({report['elapsed_s']:.0f} s in all) on: "
            f"{m['cpu']}, {m['memory']} RAM, {m['os']}, Python {m['python']}, Rasa {m['rasa']}; "
            f"load average before the run {m['load_before']} (the machine is shared: the load "
            "client and other work use the same 2 cores).",
            "",
            "Closed-loop learners (each sends its next message when the previous reply "
            "arrives, no think time); throughput in replies per second, latency per message.",
            "",
            table(report),
            "",
            other_figures(report),
            "",
            cpu_table(report),
            END,
        ]
    )


def write_doc(block: str, begin: str = BEGIN, end: str = END) -> None:
    """Replaces the text between `begin` and `end` in docs/benchmarks.md (appends if absent)."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def add_env_option(parser: argparse.ArgumentParser) -> None:
    """`--env VIGIE_X=VALUE`, repeatable: a setting of Vigie's stack, for an experiment."""
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="VIGIE_X=VALUE",
        help="a setting for Vigie's stack (an experiment: printed, never written)",
    )


def experiment_env(args: argparse.Namespace) -> dict[str, str]:
    return dict(item.split("=", 1) for item in args.env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short levels (a smoke run)")
    parser.add_argument("--no-scaled", action="store_true", help="skip the scaled layout")
    parser.add_argument("--no-write", action="store_true", help="print only")
    add_env_option(parser)
    args = parser.parse_args(argv)
    extra_env = experiment_env(args)
    if not MODEL.exists():
        print(f"bench: {MODEL} is missing: run `make model` first", file=sys.stderr)
        return 2
    durations = Durations.quick() if args.quick else Durations()
    start = time.perf_counter()
    report: dict = {"machine": machine()}
    print(f"bench: {report['machine']['cpu']}, load {report['machine']['load_before']}")
    report["scoring"] = scoring_rate()
    print(f"bench: scoring {report['scoring']}", flush=True)
    report["training"] = vigie_training()
    report["floor"] = bench_floor(durations)
    report["vigie"] = bench_vigie(durations, extra_env)
    if not args.no_scaled:
        report["scaled"] = bench_scaled(durations)
    report["elapsed_s"] = time.perf_counter() - start
    command = "make bench" + (" (--quick)" if args.quick else "")
    block = render(report, command)
    print("\n" + block.replace(BEGIN + "\n", "").replace("\n" + END, ""))
    raw = {
        key: (
            {k: ([r.as_dict() for r in v] if k == "levels" else v) for k, v in value.items()}
            if isinstance(value, dict)
            else value
        )
        for key, value in report.items()
    }
    (LOGS / "results.json").write_text(json.dumps(raw, indent=2))
    if not args.no_write and not extra_env:
        write_doc(block)
        print(f"\nbench: written to {DOC.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
