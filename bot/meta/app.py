"""The Messenger/Instagram webhook: a small Starlette app on its own port, run by `vigie meta`.

Answers Meta's subscription handshake, refuses (403) any POST whose X-Hub-Signature-256 is
missing or wrong, and acknowledges events at once (Meta resends what waits too long). Never
logs a body, a query string (it holds the verify token) or a secret.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.app import silence_token_logs
from bot.meta.bridge import MetaBridge
from bot.meta.events import parse
from bot.meta.signature import SIGNATURE_HEADER, challenge, signed_by_meta
from bot.meta.words import load_words
from bot.settings import BotSettings
from vigie.settings import startup_settings

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


def webhook_app(settings: BotSettings) -> Starlette:
    """GET and POST `meta_webhook_path` for Meta; GET /health for the launcher."""
    bridge = MetaBridge(settings, load_words())
    app_secret = settings.meta_app_secret.get_secret_value()
    verify_token = settings.meta_verify_token.get_secret_value()

    async def verify(request: Request) -> Response:
        echo = challenge(request.query_params, verify_token)
        if echo is None:
            log.warning("refused a webhook subscription (wrong mode or verify token)")
            return Response(status_code=403)
        log.info("Meta subscribed the webhook")
        return PlainTextResponse(echo)

    async def receive(request: Request) -> Response:
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            return Response(status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        if not signed_by_meta(body, request.headers.get(SIGNATURE_HEADER), app_secret):
            log.warning("refused a webhook call: X-Hub-Signature-256 missing or wrong")
            return Response(status_code=403)
        try:
            data = json.loads(body)
        except ValueError:
            log.warning("skipped a signed webhook call whose body is not JSON")
            return Response(status_code=400)
        for event in parse(data):
            bridge.admit(event)
        return PlainTextResponse("EVENT_RECEIVED")

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await bridge.start()
        try:
            yield
        finally:
            await bridge.stop()

    app = Starlette(
        routes=[
            Route(settings.meta_webhook_path, verify, methods=["GET"]),
            Route(settings.meta_webhook_path, receive, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.bridge = bridge
    return app


def main(settings: BotSettings | None = None) -> int:
    """`vigie meta`: serve the webhook until stopped."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = settings or startup_settings(BotSettings, "vigie meta")
    problems = settings.meta_problems()
    if problems:
        log.error("the Messenger/Instagram bridge cannot start: %s", "; ".join(problems))
        return 2
    silence_token_logs()
    log.info("Messenger/Instagram bridge: webhook on port %s", settings.meta_webhook_port)
    uvicorn.run(
        webhook_app(settings),
        host=settings.meta_webhook_host,
        port=settings.meta_webhook_port,
        log_level="warning",
        access_log=False,  # the subscription's query string holds the verify token
        proxy_headers=False,
    )
    return 0
