"""The API's typed settings (database, chat sessions, embedding origins).

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
    k_anonymity: int = 5

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'vigie.db'}"


@cache
def get_settings() -> ApiSettings:
    return ApiSettings()
