# Stubs for the part of rasa-sdk Vigie uses (rasa-sdk ships no type information); mypy reads
# them through `mypy_path` in pyproject.toml. Signatures copied from rasa-sdk 3.21.
from typing import Any

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

class Tracker:
    sender_id: str
    slots: dict[str, Any]
    latest_message: dict[str, Any]
    events: list[dict[str, Any]]
    def __init__(
        self,
        sender_id: str,
        slots: dict[str, Any],
        latest_message: dict[str, Any] | None,
        events: list[dict[str, Any]],
        paused: bool,
        followup_action: str | None,
        active_loop: dict[str, Any],
        latest_action_name: str | None,
        stack: list[dict[str, Any]] | None = None,
        user_id: str | None = None,
    ) -> None: ...
    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Tracker: ...
    def get_slot(self, key: str) -> Any: ...

class Action:
    def name(self) -> str: ...
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]: ...
