"""A throw-away PostgreSQL server for tests and benchmarks: `ops.services.Postgres` (the one
the scaled layout runs) in a temporary directory on a free loopback port, deleted on stop.

Never touches a system cluster; never listens beyond 127.0.0.1.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import psycopg

from ops.services import PG_USER, Postgres, free_port


class ThrowawayPostgres:
    """initdb + pg_ctl in a fresh temporary directory; `stop` removes it all."""

    def __init__(self) -> None:
        self.server = Postgres(Path(tempfile.mkdtemp(prefix="vigie-pg-")), free_port())

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> ThrowawayPostgres:
        self.server.start()
        return self

    def stop(self) -> None:
        try:
            self.server.stop()
        finally:
            shutil.rmtree(self.server.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return self.server.url(database)

    def create_database(self, name: str) -> str:
        """A fresh empty database (dropped first if it exists); its SQLAlchemy URL."""
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=PG_USER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
