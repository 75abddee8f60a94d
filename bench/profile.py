"""Profiles Vigie under load with py-spy: `python -m bench.profile [--learners 10 --seconds 20]`.

Starts the stack with `vigie run` on free ports (throw-away var dir), drives N learners through
/chat, and samples the Rasa server, the action server and the API at once (`py-spy record
--subprocesses --format raw`). Writes the folded stacks to var/bench-logs/profile-<name>.txt
(open them in speedscope or flamegraph.pl) and prints each process's heaviest frames.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.load import VigieLearner, run_load, vigie_plans
from bench.side_by_side import (
    APP_PYTHON,
    LOGS,
    MODEL,
    SEED,
    VIGIE_PROCESSES,
    Started,
    clean_env,
    find_processes,
)
from vigie.services import free_port

PY_SPY = APP_PYTHON.parent / "py-spy"


def top_frames(folded: Path, limit: int) -> list[tuple[float, float, str]]:
    """(inclusive %, self %, frame) of the most sampled frames in a folded-stacks file."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in folded.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    if not total:
        return []
    ranked = sorted(inclusive, key=lambda f: (-own[f], -inclusive[f]))[:limit]
    return [(100 * inclusive[f] / total, 100 * own[f] / total, f) for f in ranked]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if shutil.which(str(PY_SPY)) is None:
        print("py-spy is missing: `make setup` installs the dev dependencies")
        return 2
    with tempfile.TemporaryDirectory(prefix="vigie-profile-") as work:
        ports = [free_port() for _ in range(3)]
        stack = Started(
            "profile-vigie-run",
            [
                str(APP_PYTHON), "-m", "vigie.cli", "run", "--rasa-port", str(ports[0]),
                "--actions-port", str(ports[1]), "--api-port", str(ports[2]),
                "--models", str(MODEL.parent),
            ],
            clean_env(VIGIE_VAR_DIR=str(Path(work) / "var")),
        )  # fmt: skip
        try:
            stack.wait_line(r"Vigie is ready\.", 300)
            url = f"http://127.0.0.1:{ports[2]}"
            plans = iter(vigie_plans(args.learners + 2, SEED))
            warm = [VigieLearner(url, next(plans)) for _ in range(2)]
            asyncio.run(run_load("warm-up", warm, 30, 16))
            processes = find_processes(stack.popen.pid, VIGIE_PROCESSES)
            spies = {}
            for name, pid in processes.items():
                out = LOGS / f"profile-{name}.txt"
                spies[name] = (
                    subprocess.Popen(
                        [
                            str(PY_SPY), "record", "--pid", str(pid), "--subprocesses",
                            "--format", "raw", "--rate", "100", "--duration",
                            str(int(args.seconds)), "--output", str(out), "--nonblocking",
                        ],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    ),
                    out,
                )  # fmt: skip
            time.sleep(1)
            learners = [VigieLearner(url, next(plans)) for _ in range(args.learners)]
            result = asyncio.run(run_load("profile", learners, args.seconds, 100_000))
            print(f"load: {result.as_dict()}")
            for name, (spy, out) in spies.items():
                spy.wait(timeout=args.seconds + 60)
                print(f"\n== {name} ({out.relative_to(LOGS.parent.parent)}): incl% self% frame")
                for inclusive, own, frame in top_frames(out, args.top):
                    print(f"{inclusive:6.1f} {own:6.1f}  {frame[:150]}")
        finally:
            stack.interrupt()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
