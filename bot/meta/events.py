"""Reads Meta's webhook bodies (Messenger `page` and `instagram` objects) into plain events.

Pure and defensive: an unreadable entry is skipped, never raised; nothing is logged but shapes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from typing import Any

log = logging.getLogger(__name__)

# Meta's `object` → the "<channel>" of the pseudonym (docs/architecture.md §6).
CHANNELS = {"page": "messenger", "instagram": "instagram"}


class Kind(Enum):
    TEXT = "text"  # typed by the learner
    PAYLOAD = "payload"  # a quick reply or a postback: what goes to Rasa as it is
    OTHER = "other"  # a photo, a voice note, a sticker…: never fetched


@dataclass(frozen=True)
class Incoming:
    """One learner message. `sender` is the page-scoped id: kept in memory, never stored."""

    channel: str
    sender: str
    kind: Kind
    content: str = ""
    message_id: str = ""


def _event(channel: str, item: Any) -> Incoming | None:
    if not isinstance(item, dict):
        return None
    sender = item.get("sender")
    sender_id = sender.get("id") if isinstance(sender, dict) else None
    if not isinstance(sender_id, str | int) or isinstance(sender_id, bool) or not str(sender_id):
        return None
    sender_id = str(sender_id)
    postback, message = item.get("postback"), item.get("message")
    if isinstance(postback, dict):
        payload = postback.get("payload")
        if isinstance(payload, str) and payload:
            mid = postback.get("mid")
            return Incoming(channel, sender_id, Kind.PAYLOAD, payload, str(mid or ""))
        return None
    if not isinstance(message, dict) or message.get("is_echo") or message.get("is_deleted"):
        return None  # our own replies, reads, deliveries, reactions, deletions
    mid = str(message.get("mid") or "")
    quick_reply = message.get("quick_reply")
    if isinstance(quick_reply, dict) and isinstance(quick_reply.get("payload"), str):
        return Incoming(channel, sender_id, Kind.PAYLOAD, quick_reply["payload"], mid)
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return Incoming(channel, sender_id, Kind.TEXT, text, mid)
    if message.get("attachments") or message.get("sticker_id"):
        return Incoming(channel, sender_id, Kind.OTHER, "", mid)
    return None


def parse(body: Any) -> list[Incoming]:
    """Every learner message of a webhook body, in order; the rest is skipped."""
    if not isinstance(body, dict):
        log.warning("skipped a webhook body that is not an object")
        return []
    channel = CHANNELS.get(str(body.get("object")))
    entries = body.get("entry")
    if channel is None or not isinstance(entries, list):
        log.info("skipped a webhook body of another kind")
        return []
    found: list[Incoming] = []
    for entry in entries:
        messaging = entry.get("messaging") if isinstance(entry, dict) else None
        if not isinstance(messaging, list):
            continue
        for item in messaging:
            event = _event(channel, item)
            if event is not None:
                found.append(event)
    return found
