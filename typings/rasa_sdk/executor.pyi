from types import ModuleType
from typing import Any

class CollectingDispatcher:
    messages: list[dict[str, Any]]
    def __init__(self) -> None: ...
    def utter_message(
        self,
        text: str | None = None,
        image: str | None = None,
        json_message: dict[str, Any] | None = None,
        template: str | None = None,
        response: str | None = None,
        attachment: str | None = None,
        buttons: list[dict[str, Any]] | None = None,
        elements: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None: ...

class ActionExecutor:
    def __init__(self) -> None: ...
    def register_package(self, package: str | ModuleType) -> None: ...
