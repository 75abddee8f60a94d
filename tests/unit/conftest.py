"""An API app on a throw-away SQLite database (migrated by Alembic), Rasa on a closed port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.core.settings import ApiSettings
from api.main import create_app
from tests.conftest import free_port
from tests.support.database import migrated_sqlite


@pytest.fixture
def api_settings(tmp_path: Path) -> ApiSettings:
    return ApiSettings(
        var_dir=tmp_path,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_connect_retries=1,
        DATABASE_URL=migrated_sqlite(tmp_path / "vigie.db"),
    )


@pytest.fixture
def client(api_settings: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as test_client:
        yield test_client
