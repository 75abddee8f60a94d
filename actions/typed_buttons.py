"""Typed buttons: a learner who types what a button on their screen says (« collège »,
« le quiz stp », « surprends moi », « A ») gets what pressing that button does.

Matches only the buttons the engine last put on the learner's screen (`State.offered`), with
the shared normaliser; never keeps what was typed, and never turns a `distress` turn into a
button (distress always interrupts, docs/architecture.md §2).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from actions import answer_parsing
from actions.conversation import Message, Outcome, State, Turn
from nlu.components.normalise import normalise

DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"
Button = dict[str, str]
_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")
# « A) le titre », « 1 · pas du tout »: the list marker before a button's words
_MARKER = re.compile(r"^\s*([A-Za-z]|\d)\s*[)·.]\s+")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# A typed title with a typo (« colege », « surprend moi ») still matches when this similar
# (difflib ratio of the folded words) and no button with another effect is as close.
SIMILAR = 0.85
MIN_SIMILAR_LENGTH = 4
# The newest buttons kept on offer (a level's scenario list is about 20): the state stays small.
MAX_OFFERED = 48


@cache
def domain_buttons() -> dict[str, list[Button]]:
    """Response name → the buttons of all its variations (plain language too), as Rasa sends
    them: the payloads' doubled braces (domain.yml's escaping) made single."""
    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        responses: dict[str, list[dict[str, Any]]] = yaml.safe_load(handle)["responses"]
    return {
        name: [
            {
                "title": str(button["title"]),
                "payload": str(button["payload"]).replace("{{", "{").replace("}}", "}"),
            }
            for variation in variations
            for button in variation.get("buttons") or []
        ]
        for name, variations in responses.items()
    }


def buttons_of(messages: Iterable[Message]) -> list[Button]:
    """The buttons these engine messages show: their own, or their domain response's."""
    shown: list[Button] = []
    for message in messages:
        if message.buttons:
            shown += message.buttons
        elif message.response:
            shown += domain_buttons().get(message.response, [])
    return shown


def _words(text: str) -> list[str]:
    """The folded words of a text: no emoji or other symbol, teen speak expanded (the one
    normaliser), accents, hyphens, apostrophes and punctuation gone."""
    bare = "".join(ch for ch in text if unicodedata.category(ch)[0] != "S" and ch != "\u20e3")
    return _NON_WORD.sub(" ", normalise(bare)).split()


@cache
def _fillers() -> list[list[str]]:
    """The filler phrases as word lists, longest first (« s il te plait » before « la »)."""
    phrases = [_words(phrase) for phrase in answer_parsing.button_fillers()]
    return sorted((p for p in phrases if p), key=len, reverse=True)


def key(text: str) -> str:
    """What is compared: the folded words, fillers dropped at the start and the end (never
    all of them: a lone « ok » or « la » names no button)."""
    words = _words(text)
    trimmed = True
    while words and trimmed:
        trimmed = False
        for filler in (f for f in _fillers() if len(f) < len(words)):
            if words[: len(filler)] == filler:
                words, trimmed = words[len(filler) :], True
            elif words[-len(filler) :] == filler:
                words, trimmed = words[: -len(filler)], True
            if trimmed:
                break
    return " ".join(words)


def _choice(payload: str) -> str | None:
    match = _PAYLOAD.match(payload)
    if match is None or not match.group(2):
        return None
    try:
        value = json.loads(match.group(2)).get("choice")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def aliases(button: Button) -> frozenset[str]:
    """Every key that stands for the button: its title, the title without its list marker and
    the marker alone (« A) … », « 1 · … »), and the typed words of the value it picks."""
    return _aliases(button["title"], button["payload"])


@cache
def _aliases(title: str, payload: str) -> frozenset[str]:
    texts = [title]
    marker = _MARKER.match(title)
    if marker:
        texts += [title[marker.end() :], marker.group(1)]
    choice = _choice(payload)
    if choice is not None:
        texts += answer_parsing.typed_words(choice)
    return frozenset(k for k in map(key, texts) if k)


def _same(typed: str, alias: str) -> bool:
    return typed == alias or typed.replace(" ", "") == alias.replace(" ", "")


def match(text: str, offered: list[Button]) -> Button | None:
    """The offered button the text names: exactly (after folding; the most recent button wins
    when two say the same), else by a close spelling with one effect only; None otherwise."""
    typed = key(text)
    if not typed:
        return None
    newest_first = list(reversed(offered))
    for button in newest_first:
        if any(_same(typed, alias) for alias in aliases(button)):
            return button
    if len(typed) < MIN_SIMILAR_LENGTH:
        return None
    scored = [
        (max(difflib.SequenceMatcher(None, typed, alias).ratio() for alias in found), button)
        for button in newest_first
        if (found := aliases(button))
    ]
    close = [(score, button) for score, button in scored if score >= SIMILAR]
    if not close or len({button["payload"] for _, button in close}) > 1:
        return None
    return max(close, key=lambda pair: pair[0])[1]


def pressed(turn: Turn, button: Button) -> Turn:
    """The turn Rasa passes when the button is pressed: its payload's intent and entities."""
    found = _PAYLOAD.match(button["payload"])
    assert found is not None, f"not a payload: {button['payload']}"
    entities = json.loads(found.group(2)) if found.group(2) else {}
    return Turn(
        intent=found.group(1),
        text=button["payload"],
        entities={name: str(value) for name, value in entities.items()},
        message_id=turn.message_id,
    )


def as_pressed(state: State, turn: Turn) -> Turn:
    """The turn itself, or the press of the offered button its text names."""
    if turn.intent == "distress" or turn.text.startswith("/"):
        return turn
    button = match(turn.text, state.offered)
    return turn if button is None else pressed(turn, button)


def _place(state: State) -> tuple[Any, ...]:
    return (
        state.phase,
        state.scenario,
        state.attempt,
        state.step,
        state.quiz_form,
        state.quiz_index,
    )


def remember(before: State, out: Outcome) -> None:
    """Record what is on screen after this turn: the buttons just shown, after those still on
    screen from earlier turns at the same place (a question asked again, a menu above)."""
    kept = before.offered if _place(before) == _place(out.state) else []
    shown = buttons_of(out.messages)
    offered = [b for b in kept if b not in shown] + [
        b for i, b in enumerate(shown) if b not in shown[i + 1 :]
    ]
    out.state.offered = offered[-MAX_OFFERED:]
