"""The Messenger/Instagram conversation: each learner message relayed to Rasa, its replies
queued for the Send API, with Telegram's flood limits, pseudonyms and erasure.

Never logs message text or platform ids (a pseudonym prefix at most) and never stores an id:
the bounded state below lives in memory and is keyed by pseudonym.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from bot.channel import RASA_COMMANDS, START_MESSAGE, erase, open_clients, rate_limiter, short
from bot.messages import Messages
from bot.meta.events import Incoming, Kind
from bot.meta.graph import GraphSender
from bot.meta.render import meta_plan, text_messages
from bot.settings import BotSettings
from bot.state import ChatLocks, Choice, Lru, Verdict
from vigie.protocol import FORGET, custom_type
from vigie.pseudonym import learner_id
from vigie.rasa_rest import RasaRestClient, RasaUnavailable

# Messenger's « Get Started » button (set on the page) sends this postback: the bot greets.
GET_STARTED = "GET_STARTED"
HELP_WORDS = frozenset({"aide", "/aide", "/start", "help"})
# Typed without a slash too: « oubli » is how a learner would write it on a phone.
FORGET_WORDS = frozenset({"oubli", "/oubli"})
log = logging.getLogger(__name__)


def _lock_key(learner: str) -> int:
    """The per-learner lock's key: the pseudonym's first 64 bits (ChatLocks takes an int)."""
    return int(learner[:16], 16)


class MetaBridge:
    """Admits webhook events in arrival order and answers each learner's in that order."""

    def __init__(self, settings: BotSettings, words: Messages) -> None:
        self.settings = settings
        self.words = words
        self._pepper = settings.secret("pepper")
        self._ingest_token = settings.secret("ingest_token")
        self.limiter = rate_limiter(settings)
        self.locks = ChatLocks()
        self._numbered: Lru[str, tuple[Choice, ...]] = Lru(settings.max_tracked_chats)
        self._seen: Lru[str, bool] = Lru(settings.max_tracked_chats)  # Meta may redeliver
        self._turns: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None
        self._rasa: RasaRestClient | None = None
        self._sender: GraphSender | None = None

    # ----- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        self._http, self._rasa = open_clients(self.settings)
        self._sender = GraphSender(self._http, self.settings)

    async def stop(self) -> None:
        """Finish the turns under way, give the replies a few seconds, close the client."""
        if self._turns:
            await asyncio.wait(self._turns, timeout=10.0)
        if self._sender is not None:
            await self._sender.close(timeout=5.0)
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    @property
    def busy(self) -> bool:
        """A turn is under way or a reply is still waiting for the Graph API."""
        return bool(self._turns) or bool(self._sender and self._sender.pending)

    # ----- admission (synchronous: arrival order is answer order) ------------------------------
    def admit(self, event: Incoming) -> None:
        if event.message_id:
            if event.message_id in self._seen:
                return
            self._seen.touch(event.message_id, lambda: True)
        learner = learner_id(event.channel, event.sender, self._pepper)
        verdict = self.limiter.hit(learner)
        if verdict is Verdict.DROP:
            return
        task = asyncio.create_task(self._handle(event, learner, verdict))
        self._turns.add(task)
        task.add_done_callback(self._turns.discard)

    async def _handle(self, event: Incoming, learner: str, verdict: Verdict) -> None:
        try:
            async with self.locks.hold(_lock_key(learner)):
                if verdict is Verdict.WARN:
                    log.info("learner %s is flooding: warned, ignored for a while", short(learner))
                    self._say(event, self.words("rate_limited"))
                    return
                message = self._to_rasa(event, learner)
                if message is not None:
                    await self._converse(event, learner, message)
        except Exception as error:  # one failed turn must never stop the bridge
            log.error("a message could not be handled (%s)", type(error).__name__)
            log.debug("turn failure", exc_info=error)

    def _to_rasa(self, event: Incoming, learner: str) -> str | None:
        """What goes to Rasa, or None when the bridge answered by itself."""
        numbered = self._numbered.pop(learner, ())
        if event.kind is Kind.OTHER:
            self._say(event, self.words("not_text"))
            return None
        text = event.content.strip()
        if len(text) > self.settings.max_message_chars:
            limit = self.settings.max_message_chars
            self._say(event, self.words("too_long", max_chars=limit))
            return None
        if event.kind is Kind.PAYLOAD:
            return START_MESSAGE if text == GET_STARTED else text
        word = text.lower()
        if word in HELP_WORDS:
            self._say(event, self.words("help"))
            return None
        if word in FORGET_WORDS:
            return RASA_COMMANDS["oubli"]
        if word.startswith("/") and word[1:] in RASA_COMMANDS:
            return RASA_COMMANDS[word[1:]]
        if word.isdigit() and 1 <= int(word) <= len(numbered):
            return numbered[int(word) - 1].payload  # a number typed from a numbered list
        return text

    async def _converse(self, event: Incoming, learner: str, message: str) -> None:
        assert self._rasa is not None and self._http is not None, "the bridge was not started"
        try:
            replies = await self._rasa.send(learner, message, {"channel": event.channel})
        except RasaUnavailable as error:
            log.warning("Rasa unavailable for learner %s: %s", short(learner), error)
            self._say(event, self.words("unavailable"))
            return
        erased = True
        if any(custom_type(reply) == FORGET for reply in replies):
            # The learner confirmed « oubli » and Rasa has saved the turn: erase everywhere now.
            erased = await erase(self._http, self.settings, self._ingest_token, learner)
        self._reply(event, learner, replies)
        if not erased:
            self._say(event, self.words("erase_failed"))

    def _reply(self, event: Incoming, learner: str, replies: list[dict[str, Any]]) -> None:
        planned = meta_plan(replies, self.words, event.channel)
        if not planned.messages:
            log.warning(
                "Rasa's answer had nothing for %s (learner %s)", event.channel, short(learner)
            )
            self._say(event, self.words("unavailable"))
            return
        if planned.numbered:
            self._numbered.touch(learner, lambda: planned.numbered)
        assert self._sender is not None
        self._sender.send(event.channel, event.sender, planned.messages)

    def _say(self, event: Incoming, text: str) -> None:
        assert self._sender is not None, "the bridge was not started"
        self._sender.send(event.channel, event.sender, text_messages(text, event.channel))
