"""Typed settings shared by every Vigie process, read from the environment and `.env`.

Each app subclasses `VigieSettings` for its own knobs; no module reads os.environ directly.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from vigie import secrets as secret_store

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class VigieSettings(BaseSettings):
    """Where things live and how the processes find one another."""

    model_config = SettingsConfigDict(
        env_prefix="VIGIE_", env_file=".env", extra="ignore", frozen=True
    )

    var_dir: Path = Field(default=PROJECT_ROOT / "var", description="runtime state: db, secrets")
    rasa_url: str = "http://127.0.0.1:5005"
    action_url: str = "http://127.0.0.1:5055"
    api_url: str = "http://127.0.0.1:8000"
    public_url: str = Field(default="", description="public base URL of the API for links")
    catalogue_dir: Path | None = Field(default=None, description="scenario files (tests)")
    telegram_bot_username: str = "VigieInfoBot"
    tracker_url: str = Field(default="", description="Rasa's SQL tracker store (SQLAlchemy URL)")
    conversation_retention_days: int = Field(default=30, ge=1)
    progress_retention_days: int = Field(default=365, ge=30, description="one school year")
    pepper: str = ""
    rasa_token: str = ""
    ingest_token: str = ""
    session_key: str = ""

    @property
    def secrets_file(self) -> Path:
        return self.var_dir / "secrets.json"

    @cached_property
    def _generated(self) -> dict[str, str]:
        return secret_store.load_or_create(self.secrets_file)

    def secret(self, name: str) -> str:
        """An explicit environment value wins; otherwise the generated one."""
        explicit = getattr(self, name)
        return explicit or self._generated[name]

    @property
    def effective_tracker_url(self) -> str:
        """The tracker store the launcher gives Rasa (endpoints.yml) unless told otherwise."""
        return self.tracker_url or f"sqlite:///{self.var_dir / 'rasa_tracker.db'}"

    @property
    def base_url(self) -> str:
        return (self.public_url or self.api_url).rstrip("/")
