"""Builds the command lines of Vigie's processes and runs them under honcho.

Never supervises by hand: honcho starts, stops and reports; this module only describes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from vigie.settings import PROJECT_ROOT, VigieSettings

RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
APP_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class Ports:
    rasa: int = 5005
    actions: int = 5055
    api: int = 8000


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)


def shared_env(settings: VigieSettings, ports: Ports) -> dict[str, str]:
    """What every process needs to find the others (secrets are read from the file)."""
    return {
        "VIGIE_VAR_DIR": str(settings.var_dir),
        "VIGIE_RASA_URL": f"http://127.0.0.1:{ports.rasa}",
        "VIGIE_ACTION_URL": f"http://127.0.0.1:{ports.actions}",
        "VIGIE_API_URL": f"http://127.0.0.1:{ports.api}",
        "VIGIE_TRACKER_DB": str(settings.var_dir / "rasa_tracker.db"),
        "PYTHONUNBUFFERED": "1",
    }


def rasa_spec(settings: VigieSettings, ports: Ports, model_dir: Path) -> ProcessSpec:
    return ProcessSpec(
        name="rasa",
        args=[
            str(RASA_BIN),
            "run",
            "--enable-api",
            "--auth-token",
            settings.secret("rasa_token"),
            "--interface",
            "127.0.0.1",
            "--port",
            str(ports.rasa),
            "--model",
            str(model_dir),
            "--endpoints",
            str(PROJECT_ROOT / "endpoints.yml"),
            "--credentials",
            str(PROJECT_ROOT / "credentials.yml"),
        ],
        env={"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )


def actions_spec(ports: Ports) -> ProcessSpec:
    return ProcessSpec(
        name="actions",
        args=[
            str(APP_PYTHON),
            "-m",
            "rasa_sdk",
            "--actions",
            "actions.actions",
            "--port",
            str(ports.actions),
        ],
        env={"SANIC_HOST": "127.0.0.1"},
    )


def api_spec(ports: Ports) -> ProcessSpec:
    return ProcessSpec(
        name="api",
        args=[
            str(APP_PYTHON),
            "-m",
            "vigie.cli",
            "api",
            "--host",
            "127.0.0.1",
            "--port",
            str(ports.api),
        ],
    )


def bot_spec() -> ProcessSpec:
    return ProcessSpec(name="bot", args=[str(APP_PYTHON), "-m", "vigie.cli", "bot"])


def stack(settings: VigieSettings, ports: Ports, model_dir: Path) -> list[ProcessSpec]:
    """The processes of one machine; the Telegram bridge only when a token is set."""
    specs = [rasa_spec(settings, ports, model_dir), actions_spec(ports), api_spec(ports)]
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        specs.append(bot_spec())
    return specs


def health_urls(ports: Ports) -> dict[str, str]:
    return {
        "rasa": f"http://127.0.0.1:{ports.rasa}/",
        "actions": f"http://127.0.0.1:{ports.actions}/health",
        "api": f"http://127.0.0.1:{ports.api}/health",
    }


def run(settings: VigieSettings, ports: Ports, model_dir: Path) -> int:
    """Start everything under honcho and wait for readiness; returns the exit code."""
    from honcho.manager import Manager
    from honcho.printer import Printer

    settings.secret("pepper")  # generate the secrets file before any process reads it
    base_env = os.environ | shared_env(settings, ports)
    manager = Manager(Printer(sys.stdout))
    for spec in stack(settings, ports, model_dir):
        manager.add_process(
            spec.name, _shell(spec.args), env=base_env | spec.env, cwd=str(PROJECT_ROOT)
        )
    manager.add_process(
        "ready",
        _shell(
            [
                str(APP_PYTHON),
                "-m",
                "vigie.cli",
                "wait-ready",
                "--api-port",
                str(ports.api),
                "--rasa-port",
                str(ports.rasa),
                "--actions-port",
                str(ports.actions),
            ]
        ),
        env=base_env,
        cwd=str(PROJECT_ROOT),
    )
    manager.loop()
    return manager.returncode or 0


def _shell(args: list[str]) -> str:
    import shlex

    return "exec " + " ".join(shlex.quote(arg) for arg in args)
