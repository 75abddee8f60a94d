"""A learner's Open Badges credential (docs/badges.md): which badge, to which recipient — their
pseudonym (default) or an identifier of their own, never an e-mail —, then the API's one-time
download link, shown by the web chat and sent as a file by the Telegram bridge.

The flow (`concerns`, `handle`) is pure, as the engine is; only `fulfil` (the action layer)
calls the API. Never sends an e-mail, a name or a platform id anywhere, and never logs the
identifier a learner types.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from pathlib import Path
from typing import Final

import httpx

from actions.conversation import Message, Outcome, State, Turn
from actions.settings import ActionSettings
from vigie.data_files import DataModel, load_yaml
from vigie.protocol import CREDENTIAL

log = logging.getLogger(__name__)
TITLES_FILE = Path(__file__).resolve().parent / "credentials.yml"
INTENT: Final = "ask_credential"
# Engine → action layer only (never sent to a channel): sign this badge for this recipient.
REQUEST: Final = "credential_request"
PSEUDONYM, OWN, CANCEL = "pseudonym", "own", "cancel"
# What the API accepts as a recipient (api/routes/badges.py): 3 to 100 characters, no space.
IDENTIFIER = re.compile(r"[^\s@]{3,100}")
EMAIL = re.compile(r"\S+@\S+")
CANCEL_INTENTS = frozenset({"stop", "deny"})


class Titles(DataModel):
    offer: str
    pseudonym: str
    own: str
    cancel: str


@cache
def titles() -> Titles:
    return load_yaml(TITLES_FILE, Titles)


def payload(reflex: str, recipient: str = "") -> str:
    """`/ask_credential{"choice": "SOURCE"}`, or `"SOURCE:pseudonym"` once the recipient is
    chosen: a button carries the whole choice, whatever was said before."""
    choice = f"{reflex}:{recipient}" if recipient else reflex
    return f"/{INTENT}" + json.dumps({"choice": choice}, separators=(",", ":"))


def offer_button(reflex: str) -> list[dict[str, str]]:
    """The button under the badge message."""
    return [{"title": titles().offer, "payload": payload(reflex)}]


def awaiting(state: State, turn: Turn) -> bool:
    """The flow waits for a typed identifier: this turn is it (unless it asks for erasure).
    A request itself is a navigation intent of the engine, like « indice »."""
    return state.credential is not None and turn.intent != "forget_me"


def handle(out: Outcome, turn: Turn, badges: dict[str, str]) -> bool:
    """One turn of the flow; True when it is over (the engine then asks its question again).
    `badges`: reflex code → the badge's name."""
    state = out.state
    if turn.intent == INTENT:
        state.credential = None
        reflex, _, recipient = turn.entities.get("choice", "").partition(":")
        return _asked(out, reflex, recipient, badges)
    reflex = state.credential or ""
    # « stop », « non », or another button pressed (a payload is no identifier): no credential
    if turn.intent in CANCEL_INTENTS or turn.text.startswith("/"):
        return _asked(out, reflex, CANCEL, badges)
    typed = turn.text.strip()
    if EMAIL.search(typed):
        out.say("utter_credential_no_email", buttons=_identifier_buttons(reflex))
        return False
    if not IDENTIFIER.fullmatch(typed):
        out.say("utter_credential_bad_identifier", buttons=_identifier_buttons(reflex))
        return False
    state.credential = None
    _request(out, reflex, typed)
    return True


def _asked(out: Outcome, reflex: str, recipient: str, badges: dict[str, str]) -> bool:
    owned = out.state.profile.badges
    if recipient == CANCEL:
        out.state.credential = None
        out.say("utter_credential_cancelled")
        return True
    if reflex not in owned:  # typed « mon badge », or a button from before an erasure
        if not owned:
            out.say("utter_credential_no_badge")
            return True
        if len(owned) > 1:
            buttons = [{"title": badges[code], "payload": payload(code)} for code in owned]
            out.say("utter_credential_which", buttons=buttons)
            return False
        reflex = owned[0]
    if recipient == PSEUDONYM:
        _request(out, reflex, None)
        return True
    if recipient == OWN:
        out.state.credential = reflex
        out.say("utter_credential_ask_identifier", buttons=_identifier_buttons(reflex))
        return False
    out.say(
        "utter_credential_recipient",
        badge=badges[reflex],
        buttons=[
            {"title": titles().pseudonym, "payload": payload(reflex, PSEUDONYM)},
            {"title": titles().own, "payload": payload(reflex, OWN)},
        ],
    )
    return False


def _identifier_buttons(reflex: str) -> list[dict[str, str]]:
    return [
        {"title": titles().pseudonym, "payload": payload(reflex, PSEUDONYM)},
        {"title": titles().cancel, "payload": payload(reflex, CANCEL)},
    ]


def _request(out: Outcome, reflex: str, recipient: str | None) -> None:
    out.messages.append(Message(custom={"type": REQUEST, "reflex": reflex, "recipient": recipient}))


# ----- the action layer: the API signs, the channel delivers ---------------------------------
async def fulfil(message: Message, learner: str, settings: ActionSettings) -> Message:
    """The message itself, or, for a request, the API's download link (or why there is none)."""
    custom = message.custom or {}
    if custom.get("type") != REQUEST:
        return message
    url = (
        f"{settings.api_url.rstrip('/')}/api/v1/learners/{learner}/badges/"
        f"{custom['reflex']}/credential"
    )
    headers = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
    try:
        async with httpx.AsyncClient(timeout=settings.api_timeout_seconds) as client:
            response = await client.post(
                url, json={"recipient": custom["recipient"]}, headers=headers
            )
    except httpx.HTTPError as error:
        log.warning("credential not issued: API not reachable (%s)", type(error).__name__)
        return Message(response="utter_credential_failed")
    if response.status_code == 404:  # the badge's event has not reached the API yet
        return Message(response="utter_credential_not_yet")
    if response.status_code != 201:
        log.warning("credential not issued: the API answered %s", response.status_code)
        return Message(response="utter_credential_failed")
    link = response.json()["url"]
    return Message(
        response="utter_credential_ready",
        custom={"type": CREDENTIAL, "url": link, "filename": f"badge-vigie-{custom['reflex']}.jwt"},
    )
