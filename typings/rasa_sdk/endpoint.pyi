from rasa_sdk.executor import ActionExecutor
from sanic import DefaultSanic

def create_app_for_serve(
    action_executor: ActionExecutor,
    cors_origins: str | list[str] | None = "*",
    auto_reload: bool = False,
    endpoints: str = ...,
    keep_alive_timeout: int = ...,
) -> DefaultSanic: ...
