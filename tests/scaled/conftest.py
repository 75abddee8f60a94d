"""The scaled layout, started once: PostgreSQL, Redis and nginx (throw-away), two Rasa replicas,
two action servers and two API processes — real processes on free loopback ports.

Each replica is its own process so that a test can kill one; the specs are the launcher's
(`ops.launcher.scaled_specs`), exactly what `make run-scaled` runs under honcho.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools import processes
from devtools.processes import Process
from devtools.stack import ARTIFACTS, MODEL
from ops.launcher import (
    PROGRESS_DATABASE,
    ProcessSpec,
    ScaledPorts,
    scaled_health_urls,
    scaled_specs,
)
from ops.scaled import ScaledInfra, free_scaled_ports


@dataclass
class ScaledStack:
    infra: ScaledInfra
    specs: dict[str, ProcessSpec]
    env: dict[str, str]
    processes: dict[str, Process] = field(default_factory=dict)

    @property
    def ports(self) -> ScaledPorts:
        return self.infra.ports

    @property
    def front(self) -> str:
        return f"http://127.0.0.1:{self.ports.front}"

    def rasa(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports.rasa[index]}"

    def start(self, name: str) -> None:
        spec = self.specs[name]
        self.processes[name] = processes.start(
            name, spec.args, env=self.env | spec.env, log=ARTIFACTS / f"scaled-{name}.log"
        )

    def kill(self, name: str) -> None:
        """SIGKILL: the replica dies mid-message, as on a crash or an OOM kill."""
        process = self.processes.pop(name)
        process.send(signal.SIGKILL)
        process.popen.wait(timeout=10)

    def stop_all(self) -> None:
        processes.stop_all(self.processes)

    def wait_ready(self, names: list[str], timeout: float = 300.0) -> None:
        urls = scaled_health_urls(self.ports)
        processes.wait_ready(self.processes, {name: urls[name] for name in names}, timeout)

    def progress_rows(self, sql: str) -> list[list[str]]:
        return self.infra.postgres.query(PROGRESS_DATABASE, sql)


@pytest.fixture(scope="session")
def scaled() -> Iterator[ScaledStack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make model` (make test does it)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    infra = ScaledInfra(Path(tempfile.mkdtemp(prefix="vigie-scaled-test-")), free_scaled_ports())
    base = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    base.pop("DATABASE_URL", None)
    stack: ScaledStack | None = None
    try:
        infra.start()
        # Rasa's HTTP API on: the tests read trackers through it (never on in production).
        layout = scaled_specs(infra.settings(), infra.ports, MODEL, enable_api=True)
        specs = {spec.name: spec for spec in layout}
        stack = ScaledStack(infra, specs, base | infra.env())
        # Action servers and APIs first: under load, Sanic gives a worker 30 s to come up, and
        # two Rasa replicas loading TensorFlow at the same time would starve it.
        light = [name for name in specs if not name.startswith("rasa-")]
        for name in light:
            stack.start(name)
        stack.wait_ready([name for name in scaled_health_urls(infra.ports) if name in light])
        for name in specs:
            if name.startswith("rasa-"):
                stack.start(name)
        stack.wait_ready(list(scaled_health_urls(infra.ports)))
        yield stack
    finally:
        if stack is not None:
            stack.stop_all()
        infra.stop()
        infra.remove()
