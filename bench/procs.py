"""Resident memory of process trees, read from /proc (Linux): sampled peaks while a bench runs.

A process's figure is the sum over its tree (Sanic and uvicorn may run worker children).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            text = (task / "children").read_text()
        except OSError:
            continue
        found.extend(int(child) for child in text.split())
    return found


def tree(pid: int) -> list[int]:
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        pending.extend(children(current))
    return pids


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def rss_kib(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * PAGE_KIB


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    return sum(cpu_seconds(p) for p in tree(pid))


def tree_rss_kib(pid: int) -> int:
    return sum(rss_kib(p) for p in tree(pid))


class RssSampler:
    """Samples `roots()` ({name: pid}) every `interval` s; keeps each tree's and the total peak."""

    def __init__(self, roots: Callable[[], dict[str, int]], interval: float = 0.5) -> None:
        self._roots = roots
        self._interval = interval
        self._stop = threading.Event()
        self.peaks: dict[str, int] = {}
        self.peak_total = 0
        self._thread = threading.Thread(target=self._run, name="rss", daemon=True)

    def sample(self) -> None:
        sizes = {name: tree_rss_kib(pid) for name, pid in self._roots().items()}
        for name, size in sizes.items():
            self.peaks[name] = max(self.peaks.get(name, 0), size)
        self.peak_total = max(self.peak_total, sum(sizes.values()))

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):  # a process may vanish between two reads
                self.sample()
            self._stop.wait(self._interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def named_children(pid: int, names: dict[str, str]) -> dict[str, int]:
    """Children of `pid` whose command line contains one of `names`' patterns ({pattern: name})."""
    found: dict[str, int] = {}
    for child in children(pid):
        line = cmdline(child)
        for pattern, name in names.items():
            if pattern in line and name not in found:
                found[name] = child
                break
    return found


def wait_gone(pids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.2)
