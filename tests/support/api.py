"""The API as unit-level tests run it: a throw-away migrated SQLite database, Rasa on a closed
port (one connection attempt), the rest from ApiSettings' defaults. Never starts a server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.core.settings import ApiSettings
from devtools.processes import free_port
from tests.support.database import migrated_sqlite


def offline_api_settings(var_dir: Path, **overrides: Any) -> ApiSettings:
    """Settings for an API on `var_dir`; `overrides` are ApiSettings fields (public_url…)."""
    return ApiSettings(
        var_dir=var_dir,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_connect_retries=1,
        DATABASE_URL=migrated_sqlite(var_dir / "vigie.db"),
        **overrides,
    )
