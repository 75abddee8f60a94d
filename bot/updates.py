"""Reads Telegram updates defensively: one unreadable update must never stall the bridge.

Never logs an update's content (it holds message text and Telegram ids), only its shape.
"""

from __future__ import annotations

import json
import logging
from typing import Any, TypeAlias

from telegram import Bot, Update
from telegram.ext import Application, ContextTypes, ExtBot, JobQueue
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

BridgeApplication: TypeAlias = Application[
    ExtBot[None],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]
"""The Application `ApplicationBuilder().build()` makes: PTB's default bot and context types."""


def readable(item: Any) -> dict[str, Any] | None:
    """The update as sent if PTB can read it, an empty update with its id if not, or None.

    Keeping the id of an unreadable update lets polling move past it (PTB would otherwise
    fetch the same batch forever and log its full content).
    """
    if not isinstance(item, dict):
        log.warning("skipped an update that is not an object")
        return None
    update_id = item.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.warning("skipped an update without a numeric update_id")
        return None
    try:
        Update.de_json(item, None)
    except Exception as error:
        log.warning("skipped an unreadable update (%s)", type(error).__name__)
        return {"update_id": update_id}
    return item


def parse_update(data: Any, bot: Bot) -> Update | None:
    """A webhook body as an Update, or None when it cannot be read."""
    item = readable(data)
    if item is None:
        return None
    return Update.de_json(item, bot)


class TolerantUpdatesRequest(HTTPXRequest):
    """The getUpdates transport: replaces each unreadable update by an empty one."""

    __slots__ = ()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data, *args, **kwargs)
        if status != 200 or not url.endswith("/getUpdates"):
            return status, body
        try:
            decoded = json.loads(body)
        except ValueError:
            return status, body  # PTB reports the unreadable answer as a network error
        result = decoded.get("result") if isinstance(decoded, dict) else None
        if not isinstance(result, list):
            return status, body
        decoded["result"] = [item for item in map(readable, result) if item is not None]
        return status, json.dumps(decoded).encode()
