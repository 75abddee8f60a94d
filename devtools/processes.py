"""Child processes for tests and benchmarks: start one with its output in a log file, poll its
health URL until it answers, stop it (gently, then by force) or kill it with its children.

Never signals a process it did not start; never waits without a deadline.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from ops.services import free_port
from vigie.settings import PROJECT_ROOT

__all__ = ["NotReady", "Process", "free_port", "start", "start_answering", "stop_all", "wait_ready"]


class NotReady(RuntimeError):
    """A process exited, or did not answer its health URL in time (see its log)."""


@dataclass
class Process:
    """A started child process and the file its output goes to."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def poll(self) -> int | None:
        """Its exit code, or None while it runs."""
        return self.popen.poll()

    def send(self, number: int, *, group: bool = False) -> None:
        """Send a signal to it (to its whole process group with `group`); gone is fine."""
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(self.popen.pid, number)
            else:
                self.popen.send_signal(number)

    def stop(
        self, timeout: float = 20.0, *, how: int = signal.SIGTERM, group: bool = False
    ) -> None:
        """Ask it to stop (`how`: SIGTERM, or SIGINT as Ctrl-C would), SIGKILL after `timeout` s."""
        if self.popen.poll() is not None:
            return
        self.send(how, group=group)
        self.reap(timeout, group=group)

    def kill_tree(self, timeout: float = 30.0) -> None:
        """SIGKILL to the process and all its children: a crash, not a clean stop. (A Sanic
        server is a manager plus a worker: killing the manager alone leaves the worker serving,
        orphaned.)"""
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(self.popen.pid)
            children = root.children(recursive=True)
            for member in [root, *children]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    member.kill()
            psutil.wait_procs(children, timeout=timeout)
        self.popen.wait(timeout=timeout)

    def reap(self, timeout: float, *, group: bool = False) -> None:
        """Wait for it to exit (it was asked to); SIGKILL after `timeout` s."""
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL, group=group)
            self.popen.wait()


def start(
    name: str,
    args: list[str],
    *,
    env: Mapping[str, str],
    log: Path,
    append: bool = True,
    cwd: Path = PROJECT_ROOT,
) -> Process:
    """Start `args` in its own session, its output (stdout and stderr) appended to `log`, or
    replacing it unless `append`. Its own session: nothing it signals can reach the caller's
    group (Sanic's worker manager SIGKILLs its whole group when a worker is slow to start)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab" if append else "wb") as output:
        popen = subprocess.Popen(
            args,
            cwd=cwd,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Process(name, popen, log)


def wait_ready(
    processes: Mapping[str, Process],
    urls: Mapping[str, str],
    timeout: float,
    every: float = 0.2,
) -> None:
    """Poll each process's URL until it answers 200. Raises NotReady as soon as one of them
    exits, or once `timeout` seconds have passed, naming the processes and their logs."""
    pending = dict(urls)
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while pending:
            for name, url in list(pending.items()):
                process = processes[name]
                if process.poll() is not None:
                    raise NotReady(f"{name} exited: see {process.log}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(url).status_code == 200:
                        del pending[name]
            if not pending:
                return
            if time.monotonic() > deadline:
                logs = ", ".join(str(processes[name].log) for name in sorted(pending))
                raise NotReady(f"not ready after {timeout:.0f} s: {sorted(pending)} (see {logs})")
            time.sleep(every)


def start_answering(
    name: str,
    args: list[str],
    *,
    env: Mapping[str, str],
    log: Path,
    url: str,
    timeout: float,
    append: bool = True,
) -> Process:
    """`start`, then `wait_ready` on `url`; the process is stopped if it never answers."""
    process = start(name, args, env=env, log=log, append=append)
    try:
        wait_ready({name: process}, {name: url}, timeout)
    except NotReady:
        process.stop()
        raise
    return process


def stop_all(processes: Mapping[str, Process], timeout: float = 20.0) -> None:
    """SIGTERM to every process at once, then each one waited for (SIGKILL after `timeout`)."""
    for process in processes.values():
        if process.poll() is None:
            process.send(signal.SIGTERM)
    for process in processes.values():
        process.reap(timeout)
