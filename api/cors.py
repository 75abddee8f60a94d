"""Cross-origin access for the embedded web chat: only `/chat` and `/chat/session`, only from
the embedding origins listed in `ApiSettings.cors_origins` (`VIGIE_CORS_ORIGINS`).

Never opens the educator API or the dashboard to other sites, and never allows credentials:
the widget carries its session token in the request body, not in a cookie.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

CHAT_PATHS = ("/chat", "/chat/session")


class ChatCORSMiddleware(CORSMiddleware):
    """Starlette's CORSMiddleware, applied to the chat endpoints only."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        super().__init__(
            app,
            allow_origins=origins,
            allow_methods=["POST"],
            allow_headers=["Content-Type"],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") in CHAT_PATHS:
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)
