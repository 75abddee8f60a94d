"""A small Graph API on 127.0.0.1 for tests: the Send API (`POST /{version}/me/messages`) and
the API's erase route, over real HTTP, recording what the bridge sends.

It refuses what Meta refuses (a wrong token, more than 13 quick replies, a title over 20
characters, a text over the channel's limit) so that a bridge breaking those rules fails here,
and it can be taken down (503, or no server at all) and brought back.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devtools.processes import free_port
from devtools.wait import wait_for

VERSION = "v21.0"
PAGE_TOKEN = "page-token-for-the-fake-graph-api"
INSTAGRAM_TOKEN = "instagram-token-for-the-fake-graph-api"
TOKENS = {PAGE_TOKEN: "messenger", INSTAGRAM_TOKEN: "instagram"}
TEXT_LIMITS = {"messenger": 2000, "instagram": 1000}  # characters; Instagram's in UTF-8 bytes


def text_size(channel: str, text: str) -> int:
    return len(text.encode()) if channel == "instagram" else len(text)


@dataclass
class Sent:
    channel: str
    recipient: str
    message: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.message.get("text", ""))

    @property
    def quick_replies(self) -> list[dict[str, Any]]:
        return list(self.message.get("quick_replies") or [])

    @property
    def image(self) -> str | None:
        attachment = self.message.get("attachment") or {}
        return (
            attachment.get("payload", {}).get("url") if attachment.get("type") == "image" else None
        )


def _problem(channel: str, body: Any) -> str | None:
    """What the Send API would say about this body, or None when it would take it."""
    if not isinstance(body, dict) or not isinstance(body.get("recipient", {}).get("id"), str):
        return "recipient.id is required"
    if body.get("messaging_type") != "RESPONSE":
        return "messaging_type RESPONSE expected"
    message = body.get("message")
    if not isinstance(message, dict) or ("text" in message) == ("attachment" in message):
        return "a message has either a text or an attachment"
    text = message.get("text")
    if text is not None and (
        not isinstance(text, str) or not text or text_size(channel, text) > TEXT_LIMITS[channel]
    ):
        return "text empty or too long"
    replies = message.get("quick_replies", [])
    if len(replies) > 13:
        return "(#100) param message[quick_replies] must have at most 13 elements"
    for reply in replies:
        title, payload = reply.get("title"), reply.get("payload")
        if reply.get("content_type") != "text" or not title or len(title) > 20:
            return "(#100) quick reply title must be 1 to 20 characters"
        if not payload or len(payload) > 1000:
            return "(#100) quick reply payload must be 1 to 1000 characters"
    return None


class FakeGraphApi:
    def __init__(self) -> None:
        self.port = free_port()
        self.sent: list[Sent] = []
        self.refused: list[str] = []
        self.erased: list[str] = []
        self.failures = 0  # that many next Send API calls answer 503 (a transient Graph error)
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        app = Starlette(
            routes=[
                Route("/{version}/me/messages", self._send, methods=["POST"]),
                Route("/api/v1/learners/{learner}/erase", self._erase, methods=["POST"]),
            ]
        )
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        server = self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=server.run, daemon=True)
        self._thread.start()
        if not wait_for(lambda: server.started, 10, 0.02):
            raise RuntimeError("the fake Graph API did not start")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def to(self, recipient: str) -> list[Sent]:
        with self._lock:
            return [sent for sent in self.sent if sent.recipient == recipient]

    def texts(self, recipient: str) -> list[str]:
        return [sent.text for sent in self.to(recipient) if sent.text]

    def wait_sent(self, recipient: str, count: int, timeout: float = 15.0) -> list[Sent]:
        if not wait_for(lambda: len(self.to(recipient)) >= count, timeout):
            raise AssertionError(f"{count} messages expected, got {self.texts(recipient)}")
        return self.to(recipient)

    async def _send(self, request: Request) -> Response:
        if request.path_params["version"] != VERSION:
            return _error(400, 2500, "Unknown path components")
        auth = request.headers.get("authorization", "")
        channel = TOKENS.get(auth.removeprefix("Bearer "))
        if channel is None:
            return _error(400, 190, "Invalid OAuth access token")
        with self._lock:
            if self.failures:
                self.failures -= 1
                return _error(503, 2, "An unexpected error has occurred. Please retry.")
        body = await request.json()
        problem = _problem(channel, body)
        if problem is not None:
            with self._lock:
                self.refused.append(problem)
            return _error(400, 100, problem)
        with self._lock:
            self.sent.append(Sent(channel, body["recipient"]["id"], body["message"]))
            number = len(self.sent)
        return JSONResponse({"recipient_id": body["recipient"]["id"], "message_id": f"m_{number}"})

    async def _erase(self, request: Request) -> Response:
        with self._lock:
            self.erased.append(request.path_params["learner"])
        return JSONResponse({"erased": True})


def _error(status: int, code: int, message: str) -> Response:
    return JSONResponse(
        {"error": {"message": message, "type": "OAuthException", "code": code}},
        status_code=status,
    )
