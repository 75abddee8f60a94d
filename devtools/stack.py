"""The real stack of one machine for tests and benchmarks: Rasa, the action server and the API
as separate processes (the launcher's command lines), on free ports, with their own var dir.

Never replaces a process with a mock; never reads or writes the developer's var/ or database.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from devtools import processes
from devtools.processes import Process, free_port
from ops.launcher import (
    Ports,
    ProcessSpec,
    actions_spec,
    api_spec,
    health_urls,
    rasa_spec,
    shared_env,
)
from vigie.settings import PROJECT_ROOT, VigieSettings

MODEL = PROJECT_ROOT / "models" / "vigie.tar.gz"
# The processes' logs; a pytest-xdist worker has its own folder (test-artifacts/gw0/…), so that
# the two workers' stacks of `make test` never write the same file.
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / os.environ.get("PYTEST_XDIST_WORKER", "")
NAMES = ("api", "actions", "rasa")


@dataclass
class Stack:
    """The real processes of one machine, on free ports, with their own var dir."""

    ports: Ports
    var_dir: Path
    env: dict[str, str]
    processes: dict[str, Process]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.rasa}"

    def settings(self) -> VigieSettings:
        return VigieSettings(var_dir=self.var_dir)

    def start(self, name: str) -> None:
        spec = self._specs()[name]
        self.processes[name] = processes.start(
            name, spec.args, env=self.env | spec.env, log=ARTIFACTS / f"{name}.log"
        )

    def stop(self, name: str) -> None:
        self.processes.pop(name).stop()

    def launch(self) -> Stack:
        """Start the API, the action server and Rasa, without waiting for them."""
        for name in NAMES:
            self.start(name)
        return self

    def start_all(self) -> None:
        """Start the API, the action server and Rasa, and wait until all three answer."""
        self.launch().wait_ready(list(NAMES))

    def create_educator(self, email: str, password: str) -> None:
        """An educator account on the stack's database, made with the operator command
        (`vigie create-educator --reset`: made again if it exists)."""
        subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "vigie"), "create-educator", "--email", email,
             "--password", password, "--reset"],
            cwd=PROJECT_ROOT, env=self.env, check=True, capture_output=True,
        )  # fmt: skip

    def stop_all(self) -> None:
        processes.stop_all(self.processes)
        self.processes.clear()

    def wait_ready(self, names: list[str], timeout: float = 240.0) -> None:
        urls = health_urls(self.ports)
        processes.wait_ready(self.processes, {name: urls[name] for name in names}, timeout)

    def _specs(self) -> dict[str, ProcessSpec]:
        settings = self.settings()
        return {
            "rasa": rasa_spec(settings, self.ports, MODEL),
            "actions": actions_spec(self.ports),
            "api": api_spec(self.ports),
        }


# Scripted learners answer in milliseconds and the whole suite shares 127.0.0.1: the web chat's
# per-session and per-address limits (tested on their own in tests/security) are raised here.
SCRIPTED_LEARNER_LIMITS = {
    "VIGIE_CHAT_MESSAGES_BURST_PER_SESSION": "100000",
    "VIGIE_CHAT_SESSIONS_BURST_PER_ADDRESS": "100000",
}


def make_stack(var_dir: Path) -> Stack:
    ports = Ports(rasa=free_port(), actions=free_port(), api=free_port())
    settings = VigieSettings(var_dir=var_dir)
    settings.secret("pepper")
    env = (
        {key: value for key, value in os.environ.items() if not key.startswith("VIGIE_")}
        | shared_env(settings, ports)
        | SCRIPTED_LEARNER_LIMITS
    )
    env.pop("DATABASE_URL", None)
    return Stack(ports=ports, var_dir=var_dir, env=env, processes={})
