"""The API's typed settings (database, chat sessions, embedding origins, educator side).

Secrets come from `VigieSettings.secret`; nothing here is ever logged.
"""

from __future__ import annotations

from functools import cache

from pydantic import Field, SecretStr, model_validator

from vigie.rasa_rest import DEFAULT_MAX_IN_FLIGHT
from vigie.settings import VigieSettings


class ApiSettings(VigieSettings):
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    chat_session_max_age_days: int = 30
    chat_message_max_chars: int = 2000
    rasa_timeout_seconds: float = 30.0
    rasa_connect_retries: int = 3
    # Messages this process lets into Rasa at once; the others wait in the API, first come
    # first served (vigie/rasa_rest.py; measured in docs/benchmarks.md).
    rasa_max_in_flight: int = Field(default=DEFAULT_MAX_IN_FLIGHT, ge=1, le=256)
    cors_origins: list[str] = Field(default_factory=list)
    k_anonymity: int = Field(default=5, ge=2, description="smallest group ever broken down")
    educator_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    dashboard_session_hours: int = Field(default=8, ge=1, le=24 * 7)
    # Logins (docs/reliability.md § Logins): never a hard lock. After `login_free_failures`
    # wrong passwords for one account from one client, each further attempt of that pair waits
    # 5, 10, 20… s (at most `login_max_delay_seconds`); a client failing on many accounts waits
    # at most `login_client_max_delay_seconds`, so nobody can lock a school out for long.
    login_free_failures: int = Field(default=3, ge=1, description="per account and client")
    login_max_delay_seconds: int = Field(default=900, ge=1)
    login_client_free_failures: int = Field(default=20, ge=1, description="per client")
    login_client_max_delay_seconds: int = Field(default=60, ge=1)
    login_forget_after_seconds: int = Field(default=86400, ge=60, description="since the last")
    # argon2 holds 64 MiB per check: more logins at once are refused (429), never queued.
    password_checks_at_once: int = Field(default=2, ge=1, le=8)
    # Web chat limits (per API process; nginx adds its own per address): generous enough for a
    # school whose pupils all share one address, tight enough that one client cannot flood
    # Rasa or pad a class with made-up learners.
    chat_sessions_burst_per_address: int = Field(default=300, ge=1)
    chat_sessions_per_minute_per_address: float = Field(default=10.0, gt=0)
    chat_sessions_burst_per_class: int = Field(default=100, ge=1)
    chat_sessions_per_minute_per_class: float = Field(default=2.0, gt=0)
    chat_messages_burst_per_session: int = Field(default=120, ge=1)
    chat_messages_per_minute_per_session: float = Field(default=60.0, gt=0)
    # Addresses of the reverse proxies (IPs or networks, comma-separated) whose X-Forwarded-For
    # is believed; empty: the connecting address is the client (a header anyone can send is
    # never trusted by default).
    trusted_proxies: str = ""
    dashboard_timezone: str = "Europe/Paris"
    # Longer than a load balancer's or a browser's idle keep-alive (nginx: 60 s), so the API
    # never closes a connection just as a client reuses it (a lost request under `make load`).
    keep_alive_seconds: int = Field(default=75, ge=1)
    # xAPI statements to a learning record store (docs/deploy.md § xAPI), off by default:
    # `xapi_lrs_url` is the LRS's xAPI endpoint (statements are POSTed to its /statements) and
    # needs VIGIE_PUBLIC_URL (the learners' accounts and the activities live under it). A scenario
    # or step counts as passed from `xapi_pass_threshold` of its points (scaled score).
    xapi_enabled: bool = False
    xapi_lrs_url: str = ""
    xapi_lrs_username: str = ""
    xapi_lrs_password: SecretStr = SecretStr("")
    xapi_pass_threshold: float = Field(default=0.7, ge=0, le=1)
    xapi_batch_size: int = Field(default=50, ge=1, le=500)
    xapi_interval_seconds: float = Field(default=10.0, gt=0, description="between two rounds")
    xapi_max_backoff_seconds: float = Field(default=600.0, gt=0, description="LRS down: at most")
    xapi_timeout_seconds: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _xapi_complete(self) -> ApiSettings:
        if self.xapi_enabled and not (self.xapi_lrs_url and self.public_url):
            raise ValueError("VIGIE_XAPI_ENABLED needs VIGIE_XAPI_LRS_URL and VIGIE_PUBLIC_URL")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.private_var_dir() / 'vigie.db'}"

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [item.strip() for item in self.trusted_proxies.split(",") if item.strip()]

    def _urls(self) -> dict[str, str]:
        return super()._urls() | {"DATABASE_URL": self.database_url}


@cache
def get_settings() -> ApiSettings:
    return ApiSettings()
