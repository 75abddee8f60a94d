"""Resident memory and CPU time of process trees (psutil): sampled peaks while a bench runs.

A process's figure is the sum over its tree (Sanic and uvicorn may run worker children); a
process that vanishes between two reads counts 0. Never signals a process.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable

import psutil


def members(pid: int) -> list[psutil.Process]:
    """The process and all its descendants, parents before their children."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree(pid: int) -> list[int]:
    return [member.pid for member in members(pid)]


def cmdline(pid: int) -> str:
    try:
        return " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return ""


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the tree so far."""
    total = 0.0
    for member in members(pid):
        with contextlib.suppress(psutil.Error):
            times = member.cpu_times()
            total += times.user + times.system
    return total


def tree_rss_kib(pid: int) -> int:
    total = 0
    for member in members(pid):
        with contextlib.suppress(psutil.Error):
            total += member.memory_info().rss // 1024
    return total


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg shows them."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def postmaster(data_dir: str) -> int | None:
    """The PostgreSQL server process whose data directory is `data_dir`, if it runs."""
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if data_dir in line and "postgres" in line and "pg_ctl" not in line:
            return process.pid
    return None


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
            self.sample()
            self._stop.wait(self._interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
