"""`make bench-nlu`: what the NLU costs on this machine — training time, server start, memory,
and `/model/parse` latency over HTTP.

    .venv/bin/python -m bench.nlu_latency --model models/vigie.tar.gz [--train] [--n 429]

--train first times a forced full `rasa train` (no training cache) into a temporary directory,
exactly as `make model` trains (same data, domain and config). Then one `rasa run --enable-api`
is started on a free 127.0.0.1 port with the model, the time until /status answers is measured,
every dev-set message (tests/nlu/dev.yml) is sent to POST /model/parse one after the other
(sequential: the figure is the latency of one parse, not throughput), and the server's RSS is
read with psutil. The server is stopped at the end, whatever happens.

Runs in the application environment; Rasa only as a subprocess.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

from bench.procs import tree_rss_kib
from devtools import processes
from devtools.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
ENV = os.environ | {
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONWARNINGS": "ignore",
}
ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def dev_texts(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                texts.append(ENTITY.sub(r"\1", line[2:]))
    return texts


def time_training() -> float:
    with tempfile.TemporaryDirectory(prefix="vigie-bench-nlu-") as out:
        start = time.perf_counter()
        subprocess.run(
            [str(RASA), "train", "--data", "nlu", "--domain", "domain.yml", "--config",
             "config.yml", "--out", out, "--fixed-model-name", "bench", "--force"],
            cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        return time.perf_counter() - start


def measure_parse(model: Path, texts: list[str], timeout: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="vigie-bench-rasa-") as tmp:
        return _measure(model, texts, timeout, Path(tmp) / "rasa.log")


def _measure(model: Path, texts: list[str], timeout: float, log_path: Path) -> dict[str, float]:
    port = free_port()
    # No action server, tracker store or channel: only the NLU endpoint is measured.
    endpoints = log_path.with_name("endpoints.yml")
    endpoints.write_text("# NLU only\n", encoding="utf-8")
    credentials = log_path.with_name("credentials.yml")
    credentials.write_text("rest:\n", encoding="utf-8")
    server = processes.start(
        "rasa",
        [str(RASA), "run", "--enable-api", "--model", str(model), "--interface", "127.0.0.1",
         "--port", str(port), "--endpoints", str(endpoints), "--credentials", str(credentials)],
        env=ENV, log=log_path,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        start = time.perf_counter()
        try:
            processes.wait_ready({"rasa": server}, {"rasa": f"{base}/status"}, timeout, every=0.5)
        except processes.NotReady as error:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise SystemExit(f"{error}\n--- rasa log (tail) ---\n{tail}") from error
        started = time.perf_counter() - start
        with httpx.Client(timeout=10) as client:
            client.post(f"{base}/model/parse", json={"text": "salut"})  # warm up
            timings = []
            for text in texts:
                t0 = time.perf_counter()
                response = client.post(f"{base}/model/parse", json={"text": text})
                timings.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
        return {
            "start_seconds": started,
            "median_ms": statistics.median(timings),
            "p95_ms": sorted(timings)[max(round(0.95 * len(timings)) - 1, 0)],
            "n": len(timings),
            "rss_mib": tree_rss_kib(server.pid) / 1024,
        }
    finally:
        server.stop(30, group=True)  # its process group: this script started it in its own session


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "vigie.tar.gz")
    parser.add_argument("--nlu", type=Path, default=ROOT / "tests" / "nlu" / "dev.yml")
    parser.add_argument("--train", action="store_true", help="also time a forced full training")
    parser.add_argument("--n", type=int, default=0, help="parse only the first N messages")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    texts = dev_texts(args.nlu)
    if args.n:
        texts = texts[: args.n]
    print(f"NLU cost on {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    if args.train:
        seconds = time_training()
        print(f"  rasa train (forced, full model)   {seconds:6.1f} s   (target <= 300 s)")
    figures = measure_parse(args.model, texts, args.timeout)
    print(f"  rasa run: start -> /status        {figures['start_seconds']:6.1f} s")
    print(
        f"  POST /model/parse, sequential     median {figures['median_ms']:.1f} ms, "
        f"p95 {figures['p95_ms']:.1f} ms over {figures['n']} dev messages (target median <= 30)"
    )
    print(f"  server RSS after the parses       {figures['rss_mib']:6.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
