"""A small Bot API server on 127.0.0.1 for tests: serves injected updates, records every call.

It checks what Telegram checks (text and caption limits, 64-byte callback data, markup that
would not parse, command names) so that a bridge that breaks those rules fails here too, and it
finds links in plain text as Telegram does (`entities` / `caption_entities` of the sent message:
addresses, e-mails, @mentions), more eagerly than Telegram, never less.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from devtools.processes import free_port
from devtools.servers import ThreadedServer
from devtools.wait import wait_for

TOKEN = "123456:TEST-token-for-the-fake-bot-api"
BOT = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Vigie",
    "username": "VigieTestBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout"}
JSON_PARAMS = {"reply_markup", "commands", "allowed_updates", "scope", "entities"}
MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")
# What a Telegram client would make a link of, found in plain text (any top-level domain).
AUTO_LINKS = (
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")),
    ("url", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")),
    ("url", re.compile(r"(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b(?:/\S*)?")),
    ("mention", re.compile(r"(?<![\w@])@\w+")),
)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    status: int = 0
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def text(self) -> str:
        return self.params.get("text") or self.params.get("caption") or ""

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard") or [] for button in row]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def auto_links(text: str) -> list[dict[str, Any]]:
    """The link entities Telegram would attach to a plain text (offsets in UTF-16 units)."""
    found: list[dict[str, Any]] = []
    taken: set[int] = set()
    for kind, pattern in AUTO_LINKS:
        for match in pattern.finditer(text):
            span = set(range(match.start(), match.end()))
            if span & taken:
                continue
            taken |= span
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group(0)),
                }
            )
    return sorted(found, key=lambda entity: entity["offset"])


def _markup_error(text: str, parse_mode: str | None) -> str | None:
    """What Telegram would say about markup it cannot parse (a simplified check)."""
    if not parse_mode:
        return None
    mode = parse_mode.lower()
    if mode == "markdownv2":
        escaped = False
        for char in text:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char in MARKDOWN_V2_RESERVED:
                return f"Bad Request: can't parse entities: Character '{char}' is reserved"
    elif mode == "markdown":
        for marker in ("*", "_", "`"):
            if text.count(marker) % 2:
                return "Bad Request: can't parse entities: can't find end of the entity"
        if text.count("[") != text.count("]"):
            return "Bad Request: can't parse entities: can't find end of the entity"
    elif mode == "html" and re.search(r"<(?!/?(b|i|u|s|a|code|pre)\b)|&(?!\w+;|#\d+;)", text):
        return "Bad Request: can't parse entities: unsupported start tag"
    return None


class FakeBotApi:
    """The Bot API methods the bridge uses, over real HTTP, with a record of every call."""

    def __init__(self) -> None:
        self.port = free_port()
        self.calls: list[Call] = []
        self.blocked_chats: set[int] = set()
        self.flood_waits = 0  # the next N sendMessage calls get a 429 "retry after 1"
        self._updates: list[tuple[int, dict[str, Any]]] = []
        self._next_update_id = 1000
        self._next_message_id = 1
        self._lock = threading.Lock()
        self._polls_released = threading.Event()
        self._server: ThreadedServer | None = None

    # ----- lifecycle --------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> None:
        app = Starlette(
            routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        )
        self._server = ThreadedServer(app, self.port, "the fake Bot API")
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    @contextmanager
    def polls_released(self) -> Iterator[None]:
        """getUpdates answers at once meanwhile: a stopping bridge is not held by its long poll."""
        self._polls_released.set()
        try:
            yield
        finally:
            self._polls_released.clear()

    # ----- what tests use ---------------------------------------------------------------------
    def inject(self, *updates: dict[str, Any]) -> None:
        """Queue updates for getUpdates (ids are assigned here when missing).

        An update whose id is not a number (a malformed one) is confirmed with the next one.
        """
        with self._lock:
            for update in updates:
                if "update_id" not in update:
                    update = {"update_id": self._next_update_id, **update}
                given = update["update_id"]
                sequence = given if isinstance(given, int) else self._next_update_id
                self._next_update_id = max(self._next_update_id, sequence) + 1
                self._updates.append((sequence, update))

    def next_update_id(self) -> int:
        with self._lock:
            self._next_update_id += 1
            return self._next_update_id - 1

    def calls_to(self, *methods: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method in methods]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages and photos the bot delivered (optionally to one chat), in order."""
        return [
            call
            for call in self.calls_to("sendMessage", "sendPhoto")
            if call.ok and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [call.text for call in self.sent(chat_id)]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 15.0, what: str = "condition"
    ) -> Any:
        value = wait_for(predicate, timeout, every=0.02)
        if not value:
            recent = [(c.method, c.params.get("text")) for c in self.calls[-15:]]
            raise AssertionError(f"timed out waiting for {what}; last calls: {recent}")
        return value

    def wait_sent(self, chat_id: int, count: int, timeout: float = 15.0) -> list[Call]:
        """Wait until the chat has received at least `count` messages."""
        return self.wait_for(
            lambda: (sent := self.sent(chat_id)) and len(sent) >= count and sent,
            timeout,
            f"{count} messages to chat {chat_id}",
        )

    def wait_quiet(self, seconds: float = 0.6) -> None:
        """Wait until no message has been sent for `seconds` (the bridge is done answering)."""
        while True:
            last = max((c.at for c in self.sent()), default=0.0)
            idle = time.monotonic() - last
            if idle >= seconds and not self.pending_updates():
                return
            time.sleep(max(0.02, seconds - idle))

    # ----- the HTTP side ----------------------------------------------------------------------
    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        params, files = await _read_params(request)
        call = Call(method=method, params=params, files=files)
        with self._lock:
            self.calls.append(call)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            response = _error(404, "Not Found: method not found")
        elif method == "getUpdates":
            response = await handler(params)
        else:
            response = handler(params, files)
        call.status = response.status_code
        call.result = json.loads(response.body).get("result")
        return response

    async def _m_getUpdates(self, params: dict[str, Any]) -> JSONResponse:
        import asyncio

        offset = params.get("offset")
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 5.0)
        while True:
            with self._lock:
                if isinstance(offset, int):
                    self._updates = [(n, u) for n, u in self._updates if n >= offset]
                batch = [u for _, u in self._updates[: int(params.get("limit") or 100)]]
            if batch or self._polls_released.is_set() or time.monotonic() >= deadline:
                return _ok(batch)
            await asyncio.sleep(0.02)

    def _m_getMe(self, _params: dict, _files: dict) -> JSONResponse:
        return _ok(BOT)

    def _m_deleteWebhook(self, _params: dict, _files: dict) -> JSONResponse:
        return _ok(True)

    def _m_setWebhook(self, params: dict, _files: dict) -> JSONResponse:
        if not str(params.get("url", "")).startswith("https://"):
            return _error(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        return _ok(True)

    def _m_setMyCommands(self, params: dict, _files: dict) -> JSONResponse:
        for command in params.get("commands") or []:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                return _error(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                return _error(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        return _ok(True)

    def _m_sendChatAction(self, _params: dict, _files: dict) -> JSONResponse:
        return _ok(True)

    def _m_answerCallbackQuery(self, _params: dict, _files: dict) -> JSONResponse:
        return _ok(True)

    def _m_editMessageReplyMarkup(self, params: dict, _files: dict) -> JSONResponse:
        return _ok(self._message(params["chat_id"], {"message_id": params["message_id"]}))

    def _m_sendMessage(self, params: dict, _files: dict) -> JSONResponse:
        chat_id, text = params.get("chat_id"), params.get("text") or ""
        if chat_id in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        with self._lock:
            if self.flood_waits:
                self.flood_waits -= 1
                return _error(429, "Too Many Requests: retry after 1", retry_after=1)
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            return _error(400, "Bad Request: message is too long")
        problem = _markup_error(text, params.get("parse_mode")) or _keyboard_error(params)
        if problem:
            return _error(400, problem)
        links = {"entities": auto_links(text)} if not params.get("parse_mode") else {}
        return _ok(self._message(chat_id, {"text": text, **links, **_markup(params)}))

    def _m_sendPhoto(self, params: dict, files: dict) -> JSONResponse:
        chat_id, caption = params.get("chat_id"), params.get("caption")
        photo = params.get("photo")
        if chat_id in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = files.get(photo.removeprefix("attach://"))
        if photo is None and "photo" in files:
            photo = files["photo"]
        if isinstance(photo, str) and "broken" in photo:
            return _error(400, "Bad Request: wrong type of the web page content")
        if not photo:
            return _error(400, "Bad Request: there is no photo in the request")
        if caption and utf16_len(caption) > 1024:
            return _error(400, "Bad Request: message caption is too long")
        problem = _markup_error(caption or "", params.get("parse_mode")) or _keyboard_error(params)
        if problem:
            return _error(400, problem)
        sizes = [{"file_id": "AgAD1", "file_unique_id": "u1", "width": 320, "height": 240}]
        text = {"caption": caption, "caption_entities": auto_links(caption)} if caption else {}
        extra = {"photo": sizes, **text, **_markup(params)}
        return _ok(self._message(chat_id, extra))

    def _m_sendDocument(self, params: dict, files: dict) -> JSONResponse:
        """A file (a learner's badge credential, docs/badges.md): uploaded, never a URL here."""
        chat_id, document = params.get("chat_id"), params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = files.get(document.removeprefix("attach://"))
        document = document or files.get("document")
        if not document:
            return _error(400, "Bad Request: there is no document in the request")
        extra = {"document": {"file_id": "BQAD1", "file_unique_id": "d1"}}
        return _ok(self._message(chat_id, extra))

    def _message(self, chat_id: int, extra: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message_id = extra.pop("message_id", None) or self._next_message_id
            self._next_message_id += 1
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT,
            **extra,
        }


async def _read_params(request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    raw: dict[str, Any] = dict(request.query_params)
    files: dict[str, bytes] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        raw.update(json.loads(body) if body else {})
    elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = await value.read()
            else:
                raw[key] = value
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key in INT_PARAMS and re.fullmatch(r"-?\d+", value):
            params[key] = int(value)
        elif isinstance(value, str) and key in JSON_PARAMS:
            params[key] = json.loads(value)
        else:
            params[key] = value
    return params, files


def _markup(params: dict[str, Any]) -> dict[str, Any]:
    markup = params.get("reply_markup")
    return {"reply_markup": markup} if markup else {}


def _keyboard_error(params: dict[str, Any]) -> str | None:
    markup = params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                return "Bad Request: BUTTON_DATA_INVALID"
            if not button.get("text"):
                return "Bad Request: text buttons are unallowed in the inline keyboard"
    return None


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(code: int, description: str, retry_after: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status_code=code)


# ----- updates as Telegram sends them ----------------------------------------------------------
def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Ado", "language_code": "fr"}


def private_chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": "Ado"}


def group_chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "group", "title": "Classe de 4e B"}


def message(user_id: int, chat: dict[str, Any] | None = None, **content: Any) -> dict[str, Any]:
    body = {
        "message_id": int(time.monotonic_ns() % 1_000_000_000),
        "date": int(time.time()),
        "chat": chat or private_chat(user_id),
        "from": user(user_id),
        **content,
    }
    return {"message": body}


def text(user_id: int, text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    """A text message; a leading /command gets its bot_command entity, as Telegram does."""
    content: dict[str, Any] = {"text": text}
    command = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
    if command:
        length = utf16_len(command.group(0))
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return message(user_id, chat, **content)


def press(user_id: int, sent: Call, data: str) -> dict[str, Any]:
    """A press on a button of a message the bot sent (`sent` is its recorded call)."""
    return {
        "callback_query": {
            "id": str(time.monotonic_ns()),
            "from": user(user_id),
            "message": sent.result,
            "chat_instance": "ci-1",
            "data": data,
        }
    }
