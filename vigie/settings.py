"""Typed settings shared by every Vigie process, read from the environment and `.env`.

Each app subclasses `VigieSettings` for its own knobs; no module reads os.environ directly.
Refuses to load when a secret set by hand is a placeholder or too short (vigie/secrets.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from vigie import secrets as secret_store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
S = TypeVar("S", bound="VigieSettings")


class VigieSettings(BaseSettings):
    """Where things live and how the processes find one another."""

    # hide_input_in_errors: a refused setting must never print the environment (the secrets).
    model_config = SettingsConfigDict(
        env_prefix="VIGIE_", env_file=".env", extra="ignore", frozen=True, hide_input_in_errors=True
    )

    var_dir: Path = Field(default=PROJECT_ROOT / "var", description="runtime state: db, secrets")
    rasa_url: str = "http://127.0.0.1:5005"
    action_url: str = "http://127.0.0.1:5055"
    api_url: str = "http://127.0.0.1:8000"
    public_url: str = Field(default="", description="public base URL of the API for links")
    catalogue_dir: Path | None = Field(default=None, description="scenario files (tests)")
    telegram_bot_username: str = "VigieInfoBot"
    tracker_url: str = Field(default="", description="Rasa's SQL tracker store (SQLAlchemy URL)")
    tracker_db: Path | None = Field(default=None, description="Rasa's SQLite tracker (one machine)")
    conversation_retention_days: int = Field(default=30, ge=1)
    progress_retention_days: int = Field(default=365, ge=30, description="one school year")
    erasure_memory_days: int = Field(default=30, ge=1, description="outboxes drain long before")
    pepper: str = ""
    rasa_token: str = ""
    action_token: str = ""
    ingest_token: str = ""
    session_key: str = ""
    redis_password: str = ""
    badge_key: str = ""

    @model_validator(mode="after")
    def _no_weak_secret(self) -> VigieSettings:
        """Secrets left unset are generated strong; one set by hand must be strong too."""
        problems = [
            f"VIGIE_{name.upper()} is {reason}"
            for name in secret_store.SECRET_NAMES
            if (value := getattr(self, name)) and (reason := secret_store.weakness(value))
        ]
        problems += [
            f"the password in {name} looks like a placeholder"
            for name, url in self._urls().items()
            if _placeholder_password(url)
        ]
        if problems:
            raise secret_store.WeakSecret(
                "refusing to start: "
                + "; ".join(problems)
                + ". Leave a secret unset on one machine (it is generated into "
                f"{self.secrets_file}), or set it to the output of: python3 -c 'import "
                "secrets; print(secrets.token_urlsafe(32))'"
            )
        return self

    def _urls(self) -> dict[str, str]:
        """The URLs that may carry a database password (a subclass adds its own)."""
        return {"VIGIE_TRACKER_URL": self.tracker_url}

    @property
    def secrets_file(self) -> Path:
        return self.var_dir / "secrets.json"

    def private_var_dir(self) -> Path:
        """The state directory (databases, secrets, outboxes), created 0700."""
        return secret_store.private_dir(self.var_dir)

    @cached_property
    def _generated(self) -> dict[str, str]:
        return secret_store.load_or_create(self.secrets_file)

    def secret(self, name: str) -> str:
        """An explicit environment value wins; otherwise the generated one."""
        explicit = getattr(self, name)
        return explicit or self._generated[name]

    @property
    def effective_tracker_url(self) -> str:
        """The tracker store Rasa uses: the launcher gives it `VIGIE_TRACKER_DB` (endpoints.yml),
        by default `rasa_tracker.db` in the state directory, unless a URL says otherwise."""
        sqlite_file = self.tracker_db or self.var_dir / "rasa_tracker.db"
        return self.tracker_url or f"sqlite:///{sqlite_file}"

    @property
    def base_url(self) -> str:
        return (self.public_url or self.api_url).rstrip("/")


def startup_settings(load: Callable[[], S], process: str) -> S:
    """The settings of a process that is starting; refused ones stop it with one clear line
    (which setting, why: never a value) instead of a traceback."""
    try:
        return load()
    except ValidationError as error:
        sys.exit(f"{process}: " + "; ".join(problem["msg"] for problem in error.errors()))


def _placeholder_password(url: str) -> bool:
    if not url:
        return False
    try:
        password = make_url(url).password
    except ArgumentError:
        return False
    return any(word in str(password or "").lower() for word in secret_store.PLACEHOLDERS)
