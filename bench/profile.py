"""Profiles Vigie under load with py-spy: `python -m bench.profile [--learners 10 --seconds 20]`.

Starts the stack with `vigie run` on free ports (throw-away var dir), drives N learners through
/chat (fresh, or `--late TURNS` into their conversations) and samples the Rasa server, the
action server and the API at once (`py-spy record --subprocesses --format raw`). Writes the
folded stacks to var/bench-logs/profile-<name>.txt (speedscope or flamegraph.pl open them) and
prints each process's heaviest frames with their share of its CPU time per reply.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import time
from pathlib import Path

from bench.load import VigieLearner, run_load, vigie_plans
from bench.long_run import cpu_ms_per_reply, cpu_now, pre_played, vigie_running, warm_up
from bench.procs import load_average
from bench.side_by_side import APP_PYTHON, LOGS, SEED

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
    parser.add_argument(
        "--late",
        type=int,
        default=0,
        metavar="TURNS",
        help="learners already TURNS turns into their conversation (one played, then cloned)",
    )
    args = parser.parse_args(argv)
    if shutil.which(str(PY_SPY)) is None:
        print("py-spy is missing: `make setup` installs the dev dependencies")
        return 2
    with vigie_running("profile-vigie-run") as target:
        asyncio.run(warm_up(target))
        if args.late:
            learners = asyncio.run(pre_played(target, args.learners, args.late))
        else:
            plans = vigie_plans(args.learners, SEED)
            learners = [VigieLearner(target.url, plan) for plan in plans]
        spies = {}
        for name, pid in target.processes.items():
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
        before = cpu_now(target.processes)
        result = asyncio.run(run_load("profile", learners, args.seconds, 100_000))
        cpu_ms = cpu_ms_per_reply(before, cpu_now(target.processes), result.ok)
        print(f"load: {result.as_dict()} (load average {load_average()})")
        for name, (spy, out) in spies.items():
            spy.wait(timeout=args.seconds + 60)
            per_reply = cpu_ms.get(name, 0.0)
            print(
                f"\n== {name} ({out.relative_to(LOGS.parent.parent)}), {per_reply:.1f} ms of CPU"
                " per reply: incl% self% incl-ms/reply frame"
            )
            for inclusive, own, frame in top_frames(out, args.top):
                print(
                    f"{inclusive:6.1f} {own:6.1f} {inclusive * per_reply / 100:6.1f}  {frame[:140]}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
