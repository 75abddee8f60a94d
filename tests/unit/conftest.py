"""An API app on a throw-away SQLite database (migrated by Alembic), Rasa on a closed port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.core.settings import ApiSettings
from api.main import create_app
from tests.support.api import offline_api_settings


@pytest.fixture
def api_settings(tmp_path: Path) -> ApiSettings:
    return offline_api_settings(tmp_path)


@pytest.fixture
def client(api_settings: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as test_client:
        yield test_client
