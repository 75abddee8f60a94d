"""The Telegram handlers: relay private text and button presses to Rasa, render its replies.

Never logs message text or Telegram ids (a pseudonym prefix at most), never downloads what a
learner sends, and never lets one failed update stop the bridge.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from telegram import (
    BotCommand,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatMemberStatus, ChatType
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.channel import RASA_COMMANDS, START_MESSAGE, erase, open_clients, rate_limiter, short
from bot.messages import Messages
from bot.render import DocumentOut, Outgoing, TextOut, defang, plan
from bot.retest import STORE_FILE, Retests, RetestStore
from bot.settings import BotSettings
from bot.state import ChatLocks, Choice, KeyboardStore, OnceSet, Verdict
from bot.updates import BridgeApplication
from vigie.clock import Now
from vigie.protocol import FORGET, RETEST, custom_type
from vigie.pseudonym import learner_id
from vigie.rasa_rest import RasaRestClient, RasaUnavailable

CHANNEL = "telegram"  # the "<channel>" of the pseudonym (docs/architecture.md §6) and Rasa metadata
log = logging.getLogger(__name__)
T = TypeVar("T")

CLASS_CODE = re.compile(r"^[A-Z0-9]{4,16}$")
JOIN_PATH = "/api/v1/learners/join"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
TYPING_REFRESH_SECONDS = 4.5  # Telegram shows "typing…" for 5 s
MAX_RETRY_AFTER_SECONDS = 30.0
CREDENTIAL_MAX_BYTES = 64 * 1024  # a signed badge is about 4 kB

Context = ContextTypes.DEFAULT_TYPE


def _wait_seconds(error: RetryAfter) -> float:
    """RetryAfter's delay, whether PTB gives it as seconds or (soon) as a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@dataclass(frozen=True)
class Turn:
    """An admitted update: the learner's pseudonym and the (private) chat to answer in."""

    learner: str
    chat_id: int


class Bridge:
    """Owns the shared HTTP client, the bounded state, and every handler."""

    def __init__(self, settings: BotSettings, messages: Messages, now: Now | None = None) -> None:
        self.settings = settings
        self.messages = messages
        # the delayed re-test: a persisted job per learner who said yes (bot/retest.py)
        self.retests = Retests(
            RetestStore(settings.private_var_dir() / STORE_FILE),
            now or settings.now(),
            timedelta(days=settings.conversation_retention_days),
        )
        self._pepper = settings.secret("pepper")
        self._ingest_token = settings.secret("ingest_token")
        self.keyboards = KeyboardStore(settings.keyboards_per_chat, settings.max_tracked_chats)
        self.limiter = rate_limiter(settings)
        self.locks = ChatLocks()
        self.group_notices = OnceSet(settings.max_tracked_chats)
        self._http: httpx.AsyncClient | None = None
        self._rasa: RasaRestClient | None = None
        self._background: set[asyncio.Task[Any]] = set()

    # ----- lifecycle --------------------------------------------------------------------------
    async def start(self, application: BridgeApplication) -> None:
        """Open the one shared HTTP client and register the command menu."""
        self._http, self._rasa = open_clients(self.settings)
        assert application.job_queue is not None, "python-telegram-bot[job-queue] is needed"
        self.retests.start(application.job_queue, self._say)
        commands = [BotCommand(name, text) for name, text in self.messages.commands.items()]
        try:
            await application.bot.set_my_commands(commands)
        except TelegramError as error:
            log.warning("could not register the command menu (%s)", type(error).__name__)

    async def stop(self, _application: BridgeApplication) -> None:
        """Let pending small calls finish, then close the HTTP client."""
        if self._background:
            await asyncio.wait(self._background, timeout=5.0)
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def register(self, application: BridgeApplication) -> None:
        """Wire every handler, most specific first."""
        private = filters.ChatType.PRIVATE
        application.add_handler(
            MessageHandler(~private & filters.UpdateType.MESSAGE, self.on_group_message)
        )
        application.add_handler(
            ChatMemberHandler(self.on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        application.add_handler(CommandHandler("start", self.on_start, private))
        application.add_handler(CommandHandler("aide", self.on_help, private))
        for command in RASA_COMMANDS:
            application.add_handler(CommandHandler(command, self.on_command, private))
        application.add_handler(MessageHandler(private & filters.COMMAND, self.on_help))
        application.add_handler(
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.on_text)
        )
        application.add_handler(
            MessageHandler(
                private & filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                self.on_not_text,
            )
        )
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_error_handler(self.on_error)

    # ----- handlers ---------------------------------------------------------------------------
    async def on_text(self, update: Update, context: Context) -> None:
        """A typed message: relayed to Rasa as it is."""
        turn = await self._turn(update, context)
        message = update.effective_message
        if turn is None or message is None or message.text is None:
            return
        text = message.text.strip()
        if not text:
            return
        if len(text) > self.settings.max_message_chars:
            limit = self.settings.max_message_chars
            await self._locked_say(
                context, turn.chat_id, self.messages("too_long", max_chars=limit)
            )
            return
        await self._converse(context, turn, text)

    async def on_start(self, update: Update, context: Context) -> None:
        """/start greets; /start CODE (a deep link) first joins the class."""
        turn = await self._turn(update, context)
        if turn is None:
            return
        async with self.locks.hold(turn.chat_id):
            note = None
            if context.args:
                note = await self._join(turn.learner, context.args[0].strip().upper())
            await self._converse_locked(context, turn, START_MESSAGE, before=note)

    async def on_command(self, update: Update, context: Context) -> None:
        """/progres, /stop, /confidentialite, /oubli: the matching intent goes to Rasa."""
        turn = await self._turn(update, context)
        message = update.effective_message
        if turn is None or message is None or not message.text:
            return
        command = message.text.split()[0].lstrip("/").split("@")[0].lower()
        await self._converse(context, turn, RASA_COMMANDS[command])

    async def on_help(self, update: Update, context: Context) -> None:
        """/aide (and any unknown command): what the bot can do."""
        turn = await self._turn(update, context)
        if turn is not None:
            await self._locked_say(context, turn.chat_id, self.messages("help"))

    async def on_not_text(self, update: Update, context: Context) -> None:
        """Stickers, voice, photos, files…: a friendly answer; the content is never fetched."""
        turn = await self._turn(update, context)
        if turn is not None:
            await self._locked_say(context, turn.chat_id, self.messages("not_text"))

    async def on_button(self, update: Update, context: Context) -> None:
        """A button press: remove the keyboard, echo the choice, relay its payload."""
        query = update.callback_query
        if query is None:
            return
        message = query.message if isinstance(query.message, Message) else None
        if message is None or message.chat.type != ChatType.PRIVATE:
            await self._quietly(query.answer())
            if message is not None:
                await self._group_notice(context, message.chat.id)
            return
        # Stop the button's spinner and remove the used keyboard without waiting for the
        # chat's lock (a previous answer may still be on its way).
        self._spawn(query.answer())
        turn = await self._turn(update, context)
        if turn is None:
            return
        self._spawn(
            context.bot.edit_message_reply_markup(
                chat_id=turn.chat_id, message_id=message.message_id, reply_markup=None
            )
        )
        data = query.data if isinstance(query.data, str) else ""
        choice = self.keyboards.take(turn.chat_id, data) or self.retests.button(data)
        if choice is None:
            await self._locked_say(context, turn.chat_id, self.messages("unknown_button"))
            return
        echo = defang(self.messages("button_chosen", title=choice.title))
        await self._converse(context, turn, choice.payload, before=echo)

    async def on_group_message(self, update: Update, context: Context) -> None:
        """Outside private chats the bot stays quiet, except to say once where it talks."""
        chat = update.effective_chat
        if chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
            await self._group_notice(context, chat.id)

    async def on_membership(self, update: Update, context: Context) -> None:
        """Added to a group: say once that the bot only talks in private."""
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
            return
        joined = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
        if change.new_chat_member.status in joined:
            await self._group_notice(context, change.chat.id)

    async def on_error(self, update: object, context: Context) -> None:
        """Log the failure's kind only (an exception text may quote a message)."""
        log.error("an update could not be handled (%s)", type(context.error).__name__)
        log.debug("handler failure", exc_info=context.error)

    # ----- the conversation ---------------------------------------------------------------------
    async def _turn(self, update: Update, context: Context) -> Turn | None:
        """Who is talking, or None when the update is to be ignored (or was a flood).

        Never suspends when it admits a message: nothing may await between an update's
        arrival and its chat lock, so that a chat's messages are answered in order.
        """
        user, chat = update.effective_user, update.effective_chat
        if user is None or user.is_bot or chat is None:
            return None
        learner = learner_id(CHANNEL, str(user.id), self._pepper)
        verdict = self.limiter.hit(learner)
        if verdict is Verdict.ALLOW:
            return Turn(learner=learner, chat_id=chat.id)
        if verdict is Verdict.WARN:
            log.info("learner %s is flooding: warned, ignored for a while", short(learner))
            await self._locked_say(context, chat.id, self.messages("rate_limited"))
        return None

    async def _locked_say(self, context: Context, chat_id: int, text: str) -> None:
        async with self.locks.hold(chat_id):
            await self._say(context, chat_id, text)

    async def _converse(
        self, context: Context, turn: Turn, message: str, before: str | None = None
    ) -> None:
        async with self.locks.hold(turn.chat_id):
            await self._converse_locked(context, turn, message, before)

    async def _converse_locked(
        self, context: Context, turn: Turn, message: str, before: str | None = None
    ) -> None:
        """With the chat's lock held: optional note, typing…, Rasa, then its replies in order."""
        chat_id = turn.chat_id
        if before:
            await self._say(context, chat_id, before)
        try:
            async with self._typing(context, chat_id):
                assert self._rasa is not None, "the bridge was not started"
                replies = await self._rasa.send(turn.learner, message, {"channel": CHANNEL})
        except RasaUnavailable as error:
            log.warning("Rasa unavailable for learner %s: %s", short(turn.learner), error)
            await self._say(context, chat_id, self.messages("unavailable"))
            return
        erased = True
        if any(custom_type(reply) == FORGET for reply in replies):
            # The learner confirmed /oubli and Rasa has saved the turn: erase everywhere now.
            erased = await self._erase(turn.learner)
            self.retests.cancel(chat_id)
        for reply in replies:
            if custom_type(reply) == RETEST:
                self.retests.handle(chat_id, turn.learner, reply["custom"])
        items = plan(replies, self.messages, documents=True)
        if not items:
            # Rasa answered with nothing a learner can read here: never leave them waiting.
            log.warning("Rasa's answer had nothing for Telegram (learner %s)", short(turn.learner))
            await self._say(context, chat_id, self.messages("unavailable"))
        for item in items:
            if not await self._deliver(context, chat_id, item):
                return
        if not erased:
            await self._say(context, chat_id, self.messages("erase_failed"))

    @contextlib.asynccontextmanager
    async def _typing(self, context: Context, chat_id: int) -> AsyncIterator[None]:
        """Shows "typing…" now, and again every few seconds until the replies are ready."""
        await self._quietly(context.bot.send_chat_action(chat_id, ChatAction.TYPING))

        async def refresh() -> None:
            while True:
                await asyncio.sleep(TYPING_REFRESH_SECONDS)
                await self._quietly(context.bot.send_chat_action(chat_id, ChatAction.TYPING))

        task = asyncio.create_task(refresh())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _join(self, learner: str, code: str) -> str:
        """Join the class through the API; returns the note to show the learner."""
        if not CLASS_CODE.match(code):
            return self.messages("class_unknown")
        assert self._http is not None
        try:
            response = await self._http.post(
                self.settings.api_url.rstrip("/") + JOIN_PATH,
                json={"learner": learner, "class_code": code},
                headers={"Authorization": f"Bearer {self._ingest_token}"},
                timeout=self.settings.api_timeout_seconds,
            )
        except httpx.HTTPError as error:
            log.warning(
                "class join failed for learner %s (%s)", short(learner), type(error).__name__
            )
            return self.messages("class_join_failed")
        if response.status_code in (200, 201):
            log.info("learner %s joined a class", short(learner))
            return self.messages("class_joined")
        if response.status_code in (404, 422):
            return self.messages("class_unknown")
        log.warning("class join: the API answered HTTP %s", response.status_code)
        return self.messages("class_join_failed")

    async def _erase(self, learner: str) -> bool:
        """Ask the API to forget the learner (progress and conversation); True when done."""
        assert self._http is not None
        return await erase(self._http, self.settings, self._ingest_token, learner)

    # ----- sending ------------------------------------------------------------------------------
    def _keyboard(self, chat_id: int, choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
        if not choices:
            return None
        keys = self.keyboards.add(chat_id, list(choices))
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(choice.title, callback_data=key)]
                for choice, key in zip(choices, keys, strict=True)
            ]
        )

    async def _deliver(self, context: Context, chat_id: int, item: Outgoing) -> bool:
        """Send one planned item; False when the chat cannot be written to any more."""
        if isinstance(item, TextOut):
            return await self._say(
                context, chat_id, item.text, self._keyboard(chat_id, item.choices)
            )
        if isinstance(item, DocumentOut):
            return await self._document(context, chat_id, item)
        photo = await self._photo_source(item.url)
        if photo is not None:
            sent = await self._send(
                lambda: context.bot.send_photo(
                    chat_id,
                    photo,
                    caption=item.caption,
                    reply_markup=self._keyboard(chat_id, item.choices),
                )
            )
            if sent is not None:
                return True
        # The photo could not be shown: its alt text (or a short notice) stands in for it.
        fallback = item.fallback or self.messages("image_unavailable")
        return await self._say(context, chat_id, fallback, self._keyboard(chat_id, item.choices))

    async def _document(self, context: Context, chat_id: int, item: DocumentOut) -> bool:
        """A badge credential: fetched once from the API (its link works once), sent as a file."""
        assert self._http is not None
        try:
            response = await self._http.get(item.url, timeout=10.0)
        except httpx.HTTPError as error:
            log.warning("credential unavailable (%s)", type(error).__name__)
            return await self._say(context, chat_id, item.fallback)
        if response.status_code != 200 or len(response.content) > CREDENTIAL_MAX_BYTES:
            log.warning("credential unavailable: HTTP %s", response.status_code)
            return await self._say(context, chat_id, item.fallback)
        document = InputFile(response.content, filename=item.filename)
        sent = await self._send(lambda: context.bot.send_document(chat_id, document))
        return sent is not None or await self._say(context, chat_id, item.fallback)

    async def _photo_source(self, url: str) -> str | InputFile | None:
        """A public URL goes as is; a local one (Telegram cannot reach it) is uploaded."""
        host = httpx.URL(url).host
        if not _is_local(host):
            return url
        assert self._http is not None
        try:
            async with self._http.stream("GET", url, timeout=10.0) as response:
                if response.status_code != 200:
                    log.warning("image unavailable: HTTP %s", response.status_code)
                    return None
                if not response.headers.get("content-type", "").startswith("image/"):
                    log.warning("image unavailable: not an image")
                    return None
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.settings.max_image_bytes:
                        log.warning("image unavailable: larger than the limit")
                        return None
                    chunks.append(chunk)
        except httpx.HTTPError as error:
            log.warning("image unavailable (%s)", type(error).__name__)
            return None
        name = url.rsplit("/", 1)[-1] or "image"
        return InputFile(b"".join(chunks), filename=name)

    async def _say(
        self,
        context: Context,
        chat_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None = None,
    ) -> bool:
        """Plain text (no parse_mode: nothing a learner or a scenario writes can break it)."""
        sent = await self._send(
            lambda: context.bot.send_message(chat_id, text, reply_markup=keyboard)
        )
        return sent is not None

    async def _send(self, call: Callable[[], Awaitable[T]]) -> T | None:
        """One Bot API call, retried once after a flood wait; None if it failed."""
        for attempt in range(2):
            try:
                return await call()
            except RetryAfter as error:
                wait = _wait_seconds(error)
                if attempt or wait > MAX_RETRY_AFTER_SECONDS:
                    log.warning("Telegram asks to wait %.0f s: message dropped", wait)
                    return None
                await asyncio.sleep(wait)
            except Forbidden:
                log.info("the learner has blocked the bot")
                return None
            except TelegramError as error:
                log.warning("Telegram refused a message (%s)", type(error).__name__)
                return None
        return None

    def _spawn(self, call: Awaitable[Any]) -> None:
        """Run a call whose result nobody waits for, keeping a reference until it is done."""
        task = asyncio.ensure_future(self._quietly(call))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _quietly(self, call: Awaitable[Any]) -> None:
        """A call whose failure changes nothing for the learner (typing, answer, markup)."""
        try:
            await call
        except TelegramError as error:
            log.debug("ignored Telegram error (%s)", type(error).__name__)

    async def _group_notice(self, context: Context, chat_id: int) -> None:
        if not self.group_notices.first_time(chat_id):
            return
        link = f"https://t.me/{context.bot.username}"
        await self._send(
            lambda: context.bot.send_message(chat_id, self.messages("group_notice", bot_link=link))
        )


def _is_local(host: str) -> bool:
    if host in ("localhost", "") or host.endswith((".local", ".localhost", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local
