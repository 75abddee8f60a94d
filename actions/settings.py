"""The action server's typed settings: where the API and the outbox are.

The ingest token comes from the shared secret store; it is never logged.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from vigie.clock import ClockSettings


class ActionSettings(ClockSettings):
    outbox_path: Path | None = None
    outbox_batch_size: int = 100
    outbox_max_backoff_seconds: float = 30.0
    # events the API refused (a bug, not an outage) are parked this long, then deleted
    outbox_rejected_retention_days: int = 30
    api_timeout_seconds: float = 5.0
    # a new Rasa session once the current one holds this many events (actions/session_bound)
    session_event_limit: int = 80

    @property
    def effective_outbox_path(self) -> Path:
        return self.outbox_path or self.var_dir / "outbox.db"


@cache
def get_settings() -> ActionSettings:
    return ActionSettings()
