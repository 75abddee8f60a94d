"""Rasa reaches the action servers with a token of their own (issue 13, item 9): Rasa's token,
the ingest token or none are refused by the action server as it is built to run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from sanic import Sanic

from actions.server import build_app
from actions.settings import ActionSettings


@asynccontextmanager
async def served(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    """The Sanic app over ASGI, its lifespan started and stopped around the block."""
    inbox: asyncio.Queue = asyncio.Queue()
    outbox: asyncio.Queue = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, outbox.put)
    )
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://actions") as client:
            yield client
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await lifespan


def test_only_the_action_token_opens_the_action_server(tmp_path: Path) -> None:
    settings = ActionSettings(var_dir=tmp_path)
    call = {"next_action": "action_that_does_not_exist", "tracker": {"sender_id": "x"}}

    tokens = {name: settings.secret(name) for name in ("rasa_token", "ingest_token")}
    tokens |= {"none": "", "action_token": settings.secret("action_token")}

    async def statuses() -> dict[str, int]:
        async with served(build_app(settings)) as client:
            return {
                name: (await client.post("/webhook", params={"token": t}, json=call)).status_code
                for name, t in tokens.items()
            }

    result = asyncio.run(statuses())
    assert result == {"rasa_token": 401, "ingest_token": 401, "none": 401, "action_token": 404}
