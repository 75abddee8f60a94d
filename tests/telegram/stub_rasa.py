"""A stand-in for Rasa's REST channel, for the bridge's unit-level tests only.

It answers what each test scripts, over real HTTP, and records what the bridge posted; the
integration tests use the real Rasa server instead.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devtools.processes import free_port
from devtools.servers import ThreadedServer

# A 1×1 PNG, served as a scenario image.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

Reply = tuple[int, Any, float]  # HTTP status, JSON body, delay in seconds
Script = Callable[[str, str], Reply]


def echo(_sender: str, message: str) -> Reply:
    return 200, [{"text": message}], 0.0


class StubRasa:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[dict[str, Any]] = []
        self.script: Script = echo
        self._server: ThreadedServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def messages(self) -> list[str]:
        return [item["message"] for item in self.received]

    def start(self) -> None:
        app = Starlette(
            routes=[
                Route("/webhooks/rest/webhook", self._webhook, methods=["POST"]),
                Route("/img/{name}", self._image, methods=["GET"]),
            ]
        )
        self._server = ThreadedServer(app, self.port, "the stub Rasa")
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    async def _webhook(self, request: Request) -> Response:
        body = await request.json()
        self.received.append(body)
        status, reply, delay = self.script(body["sender"], body["message"])
        if delay:
            await asyncio.sleep(delay)
        return JSONResponse(reply, status_code=status)

    async def _image(self, request: Request) -> Response:
        if request.path_params["name"] == "ok.png":
            return Response(PNG, media_type="image/png")
        return Response(status_code=404)
