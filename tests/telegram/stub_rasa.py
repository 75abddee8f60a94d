"""A stand-in for Rasa's REST channel, for the bridge's unit-level tests only.

It answers what each test scripts, over real HTTP, and records what the bridge posted; the
integration tests use the real Rasa server instead.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.conftest import free_port
from tests.support.wait import wait_for

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
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

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
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        server = self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=server.run, daemon=True)
        self._thread.start()
        if not wait_for(lambda: server.started, 10, 0.02):
            raise RuntimeError("the stub Rasa did not start")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

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
