"""Builds the command lines of Vigie's processes and runs them under honcho.

Never supervises by hand: honcho starts, stops and reports; this module only describes. Rasa's
HTTP API stays off (only its REST channel is used) unless a test asks for it; every process
runs with umask 077 in a 0700 state directory.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import BotSettings
from vigie.settings import PROJECT_ROOT, VigieSettings

RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
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
    """What every process needs to find the others (secrets are read from the file, except the
    action token: Rasa reads it from its endpoints file, which takes it from the environment)."""
    return {
        "VIGIE_VAR_DIR": str(settings.var_dir),
        "VIGIE_RASA_URL": f"http://127.0.0.1:{ports.rasa}",
        "VIGIE_ACTION_URL": f"http://127.0.0.1:{ports.actions}",
        "VIGIE_API_URL": f"http://127.0.0.1:{ports.api}",
        "VIGIE_TRACKER_DB": str(settings.var_dir / "rasa_tracker.db"),
        # Rasa appends it to action calls (endpoints.yml); the action server checks it. It is
        # not Rasa's own token: holding it opens the action servers, not Rasa's HTTP API.
        "VIGIE_ACTION_TOKEN": settings.secret("action_token"),
        "PYTHONUNBUFFERED": "1",
    }


def rasa_spec(
    settings: VigieSettings, ports: Ports, model_dir: Path, *, enable_api: bool = False
) -> ProcessSpec:
    endpoints = PROJECT_ROOT / "endpoints.yml"
    return _rasa_spec("rasa", settings, ports.rasa, model_dir, endpoints, enable_api)


def _rasa_spec(
    name: str,
    settings: VigieSettings,
    port: int,
    model_dir: Path,
    endpoints: Path,
    enable_api: bool,
) -> ProcessSpec:
    """`rasa run` with the REST channel only, through nlu/rasa_main.py (Rasa's command line with
    its action-answer validator built once). `enable_api` (tests reading a tracker) adds Rasa's
    HTTP API behind its token, which is then on the command line: never in production."""
    api = (
        # One argument: a random token may start with "-", which argparse takes for an option.
        ["--enable-api", f"--auth-token={settings.secret('rasa_token')}"] if enable_api else []
    )
    return ProcessSpec(
        name=name,
        args=[
            str(RASA_PYTHON),
            "-m",
            "nlu.rasa_main",
            "run",
            *api,
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--model",
            str(model_dir),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(PROJECT_ROOT / "credentials.yml"),
        ],
        env={"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )


def actions_spec(ports: Ports) -> ProcessSpec:
    return ProcessSpec(
        name="actions",
        args=[str(APP_PYTHON), "-m", "actions.server", "--port", str(ports.actions)],
    )


def api_spec(ports: Ports) -> ProcessSpec:
    return ProcessSpec(
        name="api",
        args=[
            str(APP_PYTHON),
            "-m",
            "ops.cli",
            "api",
            "--host",
            "127.0.0.1",
            "--port",
            str(ports.api),
        ],
    )


def bot_spec() -> ProcessSpec:
    return ProcessSpec(name="bot", args=[str(APP_PYTHON), "-m", "ops.cli", "bot"])


def meta_spec() -> ProcessSpec:
    """The Messenger/Instagram webhook (bot/meta/), on its own port."""
    return ProcessSpec(name="meta", args=[str(APP_PYTHON), "-m", "ops.cli", "meta"])


def meta_configured() -> bool:
    """VIGIE_META_ENABLED with its app secret, verify token and a token (docs/promeneurs.md)."""
    return not BotSettings().meta_problems()


def purge_spec(every_seconds: int = 3600) -> ProcessSpec:
    """Retention runs on a schedule: hourly deletion of what has outlived its period."""
    return ProcessSpec(
        name="purge",
        args=[str(APP_PYTHON), "-m", "ops.cli", "purge", "--every", str(every_seconds)],
    )


def stack(settings: VigieSettings, ports: Ports, model_dir: Path) -> list[ProcessSpec]:
    """The processes of one machine; the Telegram bridge only when a token is set, the
    Messenger/Instagram one only when configured."""
    specs = [
        rasa_spec(settings, ports, model_dir),
        actions_spec(ports),
        api_spec(ports),
        purge_spec(),
    ]
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        specs.append(bot_spec())
    if meta_configured():
        specs.append(meta_spec())
    return specs


def health_urls(ports: Ports) -> dict[str, str]:
    return {
        "rasa": f"http://127.0.0.1:{ports.rasa}/",
        "actions": f"http://127.0.0.1:{ports.actions}/health",
        "api": f"http://127.0.0.1:{ports.api}/health",
    }


def private_state(settings: VigieSettings) -> None:
    """Files made from now on by this process and its children are its user's only (Rasa's
    tracker holds every conversation); the state directory is 0700 and the secrets exist."""
    os.umask(0o077)
    settings.private_var_dir()
    settings.secret("pepper")  # generate the secrets file before any process reads it


def run(settings: VigieSettings, ports: Ports, model_dir: Path) -> int:
    """Start everything under honcho and wait for readiness; returns the exit code."""
    from honcho.manager import Manager
    from honcho.printer import Printer

    private_state(settings)
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
                "ops.cli",
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


# ----- the scaled layout: replicas behind nginx, PostgreSQL + Redis (make run-scaled) --------
SCALED_ENDPOINTS = PROJECT_ROOT / "deploy" / "endpoints.scaled.yml"
TRACKER_DATABASE = "vigie_tracker"
PROGRESS_DATABASE = "vigie"


@dataclass(frozen=True)
class ScaledPorts:
    """Loopback ports of the scaled layout; `front` is the one entry learners reach."""

    front: int = 8080
    api_internal: int = 8090
    rasa_lb: int = 5080
    actions_lb: int = 5180
    rasa: tuple[int, ...] = (5005, 5006)
    actions: tuple[int, ...] = (5055, 5056)
    api: tuple[int, ...] = (8001, 8002)
    postgres: int = 5432
    redis: int = 6379


def scaled_env(settings: VigieSettings, ports: ScaledPorts) -> dict[str, str]:
    """What every replica needs: the balanced URLs (the API's internal entry: events and
    erasure are not on the public one), PostgreSQL and Redis (shared secrets file)."""
    balanced = Ports(rasa=ports.rasa_lb, actions=ports.actions_lb, api=ports.api_internal)
    return shared_env(settings, balanced) | {
        "DATABASE_URL": f"postgresql+psycopg://vigie@127.0.0.1:{ports.postgres}/"
        + PROGRESS_DATABASE,
        # Erasure on request and retention (API, purge) reach Rasa's tracker store here.
        "VIGIE_TRACKER_URL": f"postgresql+psycopg://vigie@127.0.0.1:{ports.postgres}/"
        + TRACKER_DATABASE,
        "VIGIE_TRACKER_PG_HOST": "127.0.0.1",
        "VIGIE_TRACKER_PG_PORT": str(ports.postgres),
        "VIGIE_TRACKER_PG_DB": TRACKER_DATABASE,
        "VIGIE_TRACKER_PG_USER": "vigie",
        "VIGIE_TRACKER_PG_PASSWORD": "",
        "VIGIE_REDIS_HOST": "127.0.0.1",
        "VIGIE_REDIS_PORT": str(ports.redis),
        "VIGIE_REDIS_DB": "1",
        "VIGIE_REDIS_PASSWORD": settings.secret("redis_password"),
        # nginx (on this machine) forwards each learner's address: limits apply per learner.
        "VIGIE_TRUSTED_PROXIES": "127.0.0.1",
        # Links, QR codes and images point at the public entry, not at VIGIE_API_URL.
        "VIGIE_PUBLIC_URL": f"http://127.0.0.1:{ports.front}",
        # A replica killed while holding a conversation's lock frees it after this long
        # (Rasa's default is 60 s); no message takes a tenth of it.
        "TICKET_LOCK_LIFETIME": "20",
    }


def scaled_specs(
    settings: VigieSettings, ports: ScaledPorts, model_dir: Path, *, enable_api: bool = False
) -> list[ProcessSpec]:
    """Rasa replicas, action servers and API processes, named `rasa-1`, `actions-1`, …"""
    specs: list[ProcessSpec] = []
    for index, port in enumerate(ports.rasa, start=1):
        name = f"rasa-{index}"
        specs.append(_rasa_spec(name, settings, port, model_dir, SCALED_ENDPOINTS, enable_api))
    for index, port in enumerate(ports.actions, start=1):
        spec = actions_spec(Ports(actions=port))
        # Each action server has its own durable outbox; all deliver through the front.
        outbox = {"VIGIE_OUTBOX_PATH": str(settings.var_dir / f"outbox-{index}.db")}
        specs.append(ProcessSpec(f"actions-{index}", spec.args, spec.env | outbox))
    for index, port in enumerate(ports.api, start=1):
        spec = api_spec(Ports(api=port))
        specs.append(ProcessSpec(f"api-{index}", spec.args, spec.env))
    specs.append(purge_spec())  # retention: one per deployment, not one per replica
    return specs


def scaled_health_urls(ports: ScaledPorts) -> dict[str, str]:
    urls: dict[str, str] = {}
    for index, port in enumerate(ports.rasa, start=1):
        urls[f"rasa-{index}"] = f"http://127.0.0.1:{port}/"
    for index, port in enumerate(ports.actions, start=1):
        urls[f"actions-{index}"] = f"http://127.0.0.1:{port}/health"
    for index, port in enumerate(ports.api, start=1):
        urls[f"api-{index}"] = f"http://127.0.0.1:{port}/health"
    return urls
