"""The API's typed settings (database, chat sessions, embedding origins, educator side).

Secrets come from `VigieSettings.secret`; nothing here is ever logged.
"""

from __future__ import annotations

from functools import cache

from pydantic import Field

from vigie.settings import VigieSettings


class ApiSettings(VigieSettings):
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    chat_session_max_age_days: int = 30
    chat_message_max_chars: int = 2000
    rasa_timeout_seconds: float = 30.0
    rasa_connect_retries: int = 3
    cors_origins: list[str] = Field(default_factory=list)
    k_anonymity: int = Field(default=5, ge=2, description="smallest group ever broken down")
    educator_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    dashboard_session_hours: int = Field(default=8, ge=1, le=24 * 7)
    login_max_failures: int = Field(default=5, ge=1, description="per e-mail, per window")
    login_ip_max_failures: int = Field(default=30, ge=1, description="per client, per window")
    login_window_seconds: int = Field(default=900, ge=1)
    dashboard_timezone: str = "Europe/Paris"
    # Longer than a load balancer's or a browser's idle keep-alive (nginx: 60 s), so the API
    # never closes a connection just as a client reuses it (a lost request under `make load`).
    keep_alive_seconds: int = Field(default=75, ge=1)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'vigie.db'}"


@cache
def get_settings() -> ApiSettings:
    return ApiSettings()
