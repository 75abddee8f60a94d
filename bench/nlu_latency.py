"""`make bench-nlu`: what the NLU costs on this machine — training time, server start, memory,
and `/model/parse` latency over HTTP.

    .venv/bin/python -m bench.nlu_latency --model models/vigie.tar.gz [--train] [--n 429]

--train first times a forced full `rasa train` (no training cache) into a temporary directory,
exactly as `make model` trains (same data, domain and config). Then one `rasa run --enable-api`
is started on a free 127.0.0.1 port with the model, the time until /status answers is measured,
every dev-set message (tests/nlu/dev.yml) is sent to POST /model/parse one after the other
(sequential: the figure is the latency of one parse, not throughput), and the server's RSS is
read from /proc. The server is stopped at the end, whatever happens.

Runs in the application environment; Rasa only as a subprocess.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib(pid: int) -> float | None:
    """Resident memory of a process and its children (the Rasa server forks none by default)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


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
        log_path = Path(tmp) / "rasa.log"
        with log_path.open("wb") as log:
            return _measure(model, texts, timeout, log, log_path)


def _measure(
    model: Path, texts: list[str], timeout: float, log: Any, log_path: Path
) -> dict[str, float]:
    port = free_port()
    # No action server, tracker store or channel: only the NLU endpoint is measured.
    endpoints = log_path.with_name("endpoints.yml")
    endpoints.write_text("# NLU only\n", encoding="utf-8")
    credentials = log_path.with_name("credentials.yml")
    credentials.write_text("rest:\n", encoding="utf-8")
    server = subprocess.Popen(
        [str(RASA), "run", "--enable-api", "--model", str(model), "--interface", "127.0.0.1",
         "--port", str(port), "--endpoints", str(endpoints), "--credentials", str(credentials)],
        cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def fail(why: str) -> SystemExit:
        tail = log_path.read_text(errors="replace")[-3000:]
        return SystemExit(f"{why}\n--- rasa log (tail) ---\n{tail}")

    try:
        start = time.perf_counter()
        with httpx.Client(timeout=10) as client:
            while True:
                if server.poll() is not None:
                    raise fail("rasa run exited early")
                try:
                    if client.get(f"{base}/status").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.perf_counter() - start > timeout:
                    raise fail(f"rasa run did not answer within {timeout:.0f} s")
                time.sleep(0.5)
            started = time.perf_counter() - start
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
            "rss_mib": rss_mib(server.pid) or float("nan"),
        }
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group (this script started it in its own session)."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


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
