"""Web chat endpoints (docs/architecture.md §4): issue a signed session, relay messages to Rasa;
both rate-limited (new sessions per address and per class, messages per session: 429). A yes to
the delayed re-test gets a signed retest token, which `/chat/resume` turns into a new session
of the same learner (docs/widget.md § Le quiz de rappel).

Never stores or logs the message text; Rasa's tracker is the only place it goes.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.core.security.chat_limits import ChatLimits
from api.core.security.chat_sessions import (
    CHANNEL,
    RETEST_MAX_AGE_SECONDS,
    ChatSession,
    InvalidSession,
    SessionSigner,
)
from api.data import learners, retention
from api.schemas.learner import BotMessage, ChatIn, ChatResumeIn, ChatSessionIn, ChatSessionOut
from api.web.deps import (
    ChatLimitsDep,
    ClientAddressDep,
    RasaDep,
    SessionDep,
    SettingsDep,
    SignerDep,
    TrackerDep,
)
from api.web.messages import bot_message
from vigie.protocol import FORGET, RETEST, custom_type
from vigie.rasa_rest import RasaUnavailable

log = logging.getLogger(__name__)
router = APIRouter(prefix="/chat", tags=["chat"])
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many requests: wait `Retry-After` seconds"}
}


def _unavailable() -> JSONResponse:
    """The friendly pause message (messages.yml), as a 503 the widget shows as the bot's."""
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE, content=[bot_message("unavailable")]
    )


def _throttled(wait: int, detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS, detail=detail, headers={"Retry-After": str(wait)}
    )


def _new_conversation_allowed(limits: ChatLimits, client: str) -> None:
    """A new or resumed conversation takes one of the address's slots (429 when none is left)."""
    wait = limits.sessions_per_address.take(client)
    if wait:
        raise _throttled(wait, "Trop de nouvelles conversations depuis cette adresse.")


@router.post("/session", status_code=status.HTTP_201_CREATED, responses=TOO_MANY)
def create_session(
    body: ChatSessionIn,
    session: SessionDep,
    signer: SignerDep,
    settings: SettingsDep,
    limits: ChatLimitsDep,
    client: ClientAddressDep,
) -> ChatSessionOut:
    """Start a web chat, optionally joining a class by its code."""
    _new_conversation_allowed(limits, client)
    if body.class_code is not None:
        if not learners.class_exists(session, code=body.class_code):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Code de classe inconnu.")
        wait = limits.sessions_per_class.take(body.class_code)
        if wait:
            raise _throttled(wait, "Trop de nouvelles conversations pour cette classe.")
    token, chat = signer.issue(body.class_code)
    learners.touch(
        session, learner=chat.learner(settings.secret("pepper")), class_code=body.class_code
    )
    return ChatSessionOut(session_id=token)


@router.post("/resume", status_code=status.HTTP_201_CREATED, responses=TOO_MANY)
def resume_session(
    body: ChatResumeIn,
    session: SessionDep,
    signer: SignerDep,
    settings: SettingsDep,
    limits: ChatLimitsDep,
    client: ClientAddressDep,
) -> ChatSessionOut:
    """Come back as the learner who said yes to the delayed re-test (a retest token)."""
    _new_conversation_allowed(limits, client)
    try:
        token, chat = signer.resume(body.token)
    except InvalidSession as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="Lien de retour invalide ou expiré."
        ) from error
    learners.touch(session, learner=chat.learner(settings.secret("pepper")), class_code=None)
    return ChatSessionOut(session_id=token)


def _with_retest_token(reply: BotMessage, signer: SessionSigner, chat: ChatSession) -> BotMessage:
    """A yes to the delayed re-test: the widget gets a signed way back as this learner."""
    custom = reply.get("custom")
    if custom_type(reply) != RETEST or not isinstance(custom, dict) or not custom.get("due"):
        return reply
    token = signer.issue_retest(chat)
    return {**reply, "custom": {**custom, "token": token, "max_age": RETEST_MAX_AGE_SECONDS}}


@router.post("", response_model=list[BotMessage], responses=TOO_MANY)
async def chat(
    body: ChatIn,
    signer: SignerDep,
    rasa: RasaDep,
    settings: SettingsDep,
    session: SessionDep,
    tracker: TrackerDep,
    limits: ChatLimitsDep,
) -> list[BotMessage] | JSONResponse:
    """Send one message (text or button payload) and get the bot's replies."""
    try:
        chat_session = signer.read(body.session_id)
    except InvalidSession as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="Session de chat invalide ou expirée."
        ) from error
    wait = limits.messages_per_session.take(chat_session.session_id)
    if wait:
        raise _throttled(wait, "Trop de messages à la suite : attends un peu avant de renvoyer.")
    learner = chat_session.learner(settings.secret("pepper"))
    try:
        replies = await rasa.send(learner, body.message, {"channel": CHANNEL})
    except RasaUnavailable:
        return _unavailable()
    if any(custom_type(reply) == FORGET for reply in replies):
        # Rasa has saved the turn by now, so the conversation can really be deleted; the
        # signal goes on to the widget, which then drops its session token.
        try:
            await run_in_threadpool(retention.erase_learner, session, tracker, learner=learner)
        except retention.TrackerStoreMissing as error:
            log.error("erasure incomplete: %s", error)  # the learner can ask again
            return _unavailable()
    return [_with_retest_token(reply, signer, chat_session) for reply in replies]
