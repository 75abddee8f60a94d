"""Alembic migrations on both databases: up, down to nothing, up again, and no drift between the
models and the migrated schema."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from api.core.db import make_engine
from api.data.migrate import alembic_config, upgrade
from api.data.models import Base
from devtools.postgres import ThrowawayPostgres


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
    return server.create_database("vigie_migrations")


def test_up_down_up_without_drift(empty_database: str) -> None:
    upgrade(empty_database)
    command.downgrade(alembic_config(empty_database), "base")
    engine = make_engine(empty_database)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_database)
    assert {"educators", "classrooms", "learners", "progress_events"} <= set(
        inspect(engine).get_table_names()
    )
    with engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert drift == []
