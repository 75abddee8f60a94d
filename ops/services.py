"""Throw-away PostgreSQL, Redis and nginx (Debian's binaries) for the scaled layout, on 127.0.0.1.

Each service lives in its own directory under one root, listens on loopback only, and is gone
(process stopped, directory deleted) after `stop()`. Never touches a system cluster or config.
Used by `make run-scaled`, `make bench` and tests/scaled; `scripts/scaled-services.sh` wraps it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from vigie.settings import PROJECT_ROOT

NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "vigie.conf.template"
PG_USER = "vigie"


class ServiceError(RuntimeError):
    """A service binary is missing or did not come up."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise ServiceError(f"{what} is not listening on 127.0.0.1:{port} after {timeout:.0f} s")


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its binaries as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_bin_dir() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not found:
        raise ServiceError("PostgreSQL is not installed: run `make system-deps`")
    return found[-1].parent


@dataclass
class Postgres:
    """initdb + pg_ctl in `root`; trust authentication for the `vigie` role on loopback."""

    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str) -> None:
        command = _as_postgres([str(pg_bin_dir() / args[0]), *args[1:]])
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise ServiceError(f"{args[0]} failed: {result.stderr.strip()[-500:]}")

    def start(self) -> Postgres:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")
        self.root.chmod(0o700)
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", PG_USER, "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        # Throw-away data: no fsync. A real deployment keeps PostgreSQL's durable defaults.
        options = (
            f"-k {self.root} -h 127.0.0.1 -p {self.port} -c max_connections=200 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"),
            "-w", "start",
        )  # fmt: skip
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(ServiceError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        command = [str(pg_bin_dir() / "createdb"), "-h", "127.0.0.1", "-p", str(self.port)]
        result = subprocess.run(
            [*command, "-U", PG_USER, name], capture_output=True, text=True, timeout=60
        )
        if result.returncode != 0:
            raise ServiceError(f"createdb {name} failed: {result.stderr.strip()}")

    def query(self, database: str, sql: str) -> list[list[str]]:
        """Rows of a query, through psql (tab-separated), for tests and the bench."""
        result = subprocess.run(
            [
                str(pg_bin_dir() / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                PG_USER, "-d", database, "-At", "-F", "\t", "-c", sql,
            ],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if result.returncode != 0:
            raise ServiceError(f"psql failed: {result.stderr.strip()}")
        return [line.split("\t") for line in result.stdout.splitlines() if line]


@dataclass
class Redis:
    """redis-server on loopback, no persistence (the lock store holds only short-lived locks),
    with a password (given in a config file, never on the command line)."""

    root: Path
    port: int
    password: str
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Redis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServiceError("redis-server is not installed: run `make system-deps`")
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        config = self.root / "redis.conf"
        config.touch(mode=0o600)
        config.write_text(f'requirepass "{self.password}"\n', encoding="utf-8")
        log = (self.root / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                binary, str(config), "--bind", "127.0.0.1", "--port", str(self.port),
                "--save", "", "--appendonly", "no", "--dir", str(self.root),
                "--protected-mode", "yes",
            ],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_port(self.port, 20, "redis-server")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def render_nginx(
    *, prefix: Path, front: int, api_internal: int, rasa_lb: int, actions_lb: int,
    api: list[int], rasa: list[int], actions: list[int],
) -> str:  # fmt: skip
    """The nginx config from deploy/nginx/vigie.conf.template, for ports on 127.0.0.1."""

    def servers(ports: list[int]) -> str:
        return "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports
        )

    values = {
        "PREFIX": str(prefix),
        "FRONT_LISTEN": f"127.0.0.1:{front}",
        "API_INTERNAL_LISTEN": f"127.0.0.1:{api_internal}",
        "RASA_LB_LISTEN": f"127.0.0.1:{rasa_lb}",
        "ACTIONS_LB_LISTEN": f"127.0.0.1:{actions_lb}",
        "API_SERVERS": servers(api),
        "RASA_SERVERS": servers(rasa),
        "ACTIONS_SERVERS": servers(actions),
    }
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


@dataclass
class Nginx:
    """nginx with its own prefix directory (pid, logs, temp paths), in the foreground."""

    root: Path
    config: str
    process: subprocess.Popen[bytes] | None = None

    def start(self, wait_for: int) -> Nginx:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise ServiceError("nginx is not installed: run `make system-deps`")
        (self.root / "logs").mkdir(parents=True, exist_ok=True)
        conf = self.root / "nginx.conf"
        conf.write_text(self.config, encoding="utf-8")
        check = subprocess.run(
            [binary, "-t", "-q", "-p", str(self.root), "-c", str(conf)],
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            raise ServiceError(f"nginx config rejected: {check.stderr.strip()}")
        log = (self.root / "logs" / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            [binary, "-p", str(self.root), "-c", str(conf), "-g", "daemon off;"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_port(wait_for, 20, "nginx")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish in-flight requests
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
