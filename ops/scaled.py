"""`vigie run-scaled` (`make run-scaled`): two Rasa replicas, two action servers, two API
processes behind nginx, sharing a PostgreSQL tracker store and progress database and a Redis lock
store; `vigie scaled-services`: the services alone.

Everything listens on 127.0.0.1 and lives in one throw-away directory, deleted on exit.
PostgreSQL, Redis and nginx are Debian's (`make system-deps`); the Vigie processes run under
honcho exactly as in `vigie run`, so Ctrl-C (or any process dying) stops them all, then the
services. Imports no app: the one-off migration runs as a described subprocess.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ops.launcher import (
    APP_PYTHON,
    PROGRESS_DATABASE,
    TRACKER_DATABASE,
    ScaledPorts,
    _shell,
    scaled_env,
    scaled_health_urls,
    scaled_specs,
)
from ops.services import Nginx, Postgres, Redis, free_port, render_nginx
from vigie.secrets import SECRET_NAMES
from vigie.settings import PROJECT_ROOT, VigieSettings

MIGRATE = "import sys; from api.data.migrate import upgrade; upgrade(sys.argv[1])"


def free_scaled_ports(replicas: int = 2) -> ScaledPorts:
    """Free loopback ports for every listener (tests, bench)."""
    return ScaledPorts(
        front=free_port(),
        api_internal=free_port(),
        rasa_lb=free_port(),
        actions_lb=free_port(),
        rasa=tuple(free_port() for _ in range(replicas)),
        actions=tuple(free_port() for _ in range(replicas)),
        api=tuple(free_port() for _ in range(replicas)),
        postgres=free_port(),
        redis=free_port(),
    )


@dataclass
class ScaledInfra:
    """PostgreSQL, Redis and nginx in `root`, with the two databases created and migrated."""

    root: Path
    ports: ScaledPorts
    postgres: Postgres = field(init=False)
    redis: Redis = field(init=False)
    nginx: Nginx = field(init=False)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # the postgres user and nginx workers traverse it
        self.postgres = Postgres(self.root / "postgres", self.ports.postgres)
        self.redis = Redis(
            self.root / "redis", self.ports.redis, self.settings().secret("redis_password")
        )
        config = render_nginx(
            prefix=self.root / "nginx",
            front=self.ports.front,
            api_internal=self.ports.api_internal,
            rasa_lb=self.ports.rasa_lb,
            actions_lb=self.ports.actions_lb,
            api=list(self.ports.api),
            rasa=list(self.ports.rasa),
            actions=list(self.ports.actions),
        )
        self.nginx = Nginx(self.root / "nginx", config)

    @property
    def var_dir(self) -> Path:
        return self.root / "var"

    def settings(self) -> VigieSettings:
        return VigieSettings(var_dir=self.var_dir)

    def env(self) -> dict[str, str]:
        return scaled_env(self.settings(), self.ports)

    def start(self) -> ScaledInfra:
        self.settings().secret("pepper")  # one secrets file for every replica, written first
        self.postgres.start()
        self.postgres.create_database(TRACKER_DATABASE)
        self.postgres.create_database(PROGRESS_DATABASE)
        # Migrate once before the API processes start: two concurrent `upgrade` would race.
        subprocess.run(
            [str(APP_PYTHON), "-c", MIGRATE, self.env()["DATABASE_URL"]],
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.redis.start()
        self.nginx.start(wait_for=self.ports.front)
        return self

    def stop(self) -> None:
        for service in (self.nginx, self.redis, self.postgres):
            try:
                service.stop()
            except Exception as error:  # stop the others whatever happens
                print(f"stopping {type(service).__name__}: {error}", file=sys.stderr)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _throwaway(ports: ScaledPorts) -> ScaledInfra:
    return ScaledInfra(Path(tempfile.mkdtemp(prefix="vigie-scaled-")), ports)


@contextmanager
def _started(infra: ScaledInfra, keep: bool) -> Iterator[ScaledInfra]:
    """PostgreSQL, Redis and nginx running for the block: stopped (and deleted) on exit."""
    try:
        infra.start()
        yield infra
    finally:
        infra.stop()
        if not keep:
            infra.remove()


def run(ports: ScaledPorts, model_dir: Path, keep: bool = False) -> int:
    """Start the services, then the replicas under honcho; Ctrl-C stops all. Returns the code."""
    from honcho.manager import Manager
    from honcho.printer import Printer

    infra = _throwaway(ports)
    print(f"scaled: throw-away data in {infra.root}", flush=True)
    with _started(infra, keep):
        base_env = _base_env() | infra.env()
        manager = Manager(Printer(sys.stdout))
        for spec in scaled_specs(infra.settings(), ports, model_dir):
            manager.add_process(
                spec.name, _shell(spec.args), env=base_env | spec.env, cwd=str(PROJECT_ROOT)
            )
        ready = [
            str(APP_PYTHON), "-m", "ops.cli", "wait-ready",
            "--urls", json.dumps(scaled_health_urls(ports)), "--api-port", str(ports.front),
        ]  # fmt: skip
        manager.add_process("ready", _shell(ready), env=base_env, cwd=str(PROJECT_ROOT))
        manager.loop()
        return manager.returncode or 0


def services(ports: ScaledPorts, keep: bool = False) -> int:
    """Only PostgreSQL, Redis and nginx (throw-away), printing the replicas' environment as
    shell `export` lines; Ctrl-C stops them and deletes their data."""
    import shlex

    with _started(_throwaway(ports), keep) as infra:
        secrets_file = shlex.quote(str(infra.settings().secrets_file))
        for key, value in sorted(infra.env().items()):
            name = key.removeprefix("VIGIE_").lower()
            if name in SECRET_NAMES:  # never print a secret: read it from the file
                read = f"import json,sys; print(json.load(open(sys.argv[1]))[{name!r}])"
                print(f'export {key}="$(python3 -c {shlex.quote(read)} {secrets_file})"')
            else:
                print(f"export {key}={shlex.quote(value)}")
        print(
            f"# data in {infra.root}; nginx front http://127.0.0.1:{ports.front}/ (internal entry "
            f":{ports.api_internal}) → API ports "
            f"{list(ports.api)}, Rasa {list(ports.rasa)}, actions {list(ports.actions)}. "
            "Ctrl-C stops PostgreSQL, Redis and nginx.",
            flush=True,
        )
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
        return 0


def _base_env() -> dict[str, str]:
    import os

    return dict(os.environ)
