"""Webhook mode: a small Starlette app that feeds Telegram's updates to the application queue.

Checks Telegram's secret header on every call and never logs an update's content.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.updates import BridgeApplication, parse_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024


def webhook_app(application: BridgeApplication, path: str, secret: str) -> Starlette:
    """POST `path` receives updates; GET /health says the bridge is up."""

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        try:
            data = json.loads(body)
        except ValueError:
            log.warning("skipped a webhook call whose body is not JSON")
            return Response(status_code=400)
        update = parse_update(data, application.bot)
        if update is not None:
            await application.update_queue.put(update)
        # An unreadable update is acknowledged anyway: Telegram would resend it forever.
        return Response(status_code=200)

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route(path, receive, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )
