"""Plain-language versions of domain.yml (issue 12, item 7): every response with words of its own
has one (or a reason not to), without point médian, in neutral wording, with the same buttons.

Reads domain.yml only; never changes it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
PLAIN = [{"type": "slot", "name": "plain_language", "value": True}]
# Responses with words of their own but no plain version, and why none is needed.
NO_PLAIN_NEEDED = {
    "utter_pick_scenario": "three common words above the list of titles",
    "utter_back_to_step": "one short sentence of common words",
    "utter_skipped": "one short sentence of common words",
    "utter_stopped": "two short sentences of common words",
    "utter_offer_plain": "only offered while the plain mode is off; short, common words",
    "utter_plain_on": "said as the mode switches on (the slot changes after it); already plain",
}
_SLOT = re.compile(r"\{\w+\}")
_POINT_MEDIAN = re.compile(r"\w·\w")
_GENDERED = re.compile(r"\b(\w{3,})·\w+")  # « sûr·e » → « sûr » (« un·e » is too short)
HELP_LINE = "•"  # each help line of the distress message is a bullet


@cache
def responses() -> dict[str, list[dict[str, Any]]]:
    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["responses"]


def defaults(name: str) -> list[dict[str, Any]]:
    return [v for v in responses()[name] if not v.get("condition")]


def plains(name: str) -> list[dict[str, Any]]:
    return [v for v in responses()[name] if v.get("condition") == PLAIN]


def has_own_words(variation: dict[str, Any]) -> bool:
    """Text besides the {slots} filled from the scenario, the quiz or the figures."""
    return bool(re.search(r"[^\W\d_]", _SLOT.sub("", variation.get("text", ""))))


def shown(variation: dict[str, Any]) -> list[str]:
    return [variation.get("text", ""), *(b["title"] for b in variation.get("buttons", []))]


def payloads(variation: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in variation.get("buttons", [])]


def test_every_response_with_words_of_its_own_has_a_plain_version() -> None:
    missing = [
        name
        for name in responses()
        if any(has_own_words(v) for v in defaults(name))
        and not plains(name)
        and name not in NO_PLAIN_NEEDED
    ]
    assert missing == [], "add a plain variation, or say in NO_PLAIN_NEEDED why none is needed"


@pytest.mark.parametrize("name", sorted(NO_PLAIN_NEEDED))
def test_each_exemption_names_a_response_still_without_a_plain_version(name: str) -> None:
    assert name in responses() and not plains(name), f"{name}: drop it from NO_PLAIN_NEEDED"


def test_only_the_plain_language_slot_conditions_a_variation() -> None:
    """A misspelt condition would silently never be chosen."""
    odd = [
        n for n, vs in responses().items() for v in vs if v.get("condition") not in (None, PLAIN)
    ]
    assert odd == []


def test_no_plain_version_writes_a_point_median() -> None:
    found = [
        (name, text)
        for name in responses()
        for variation in plains(name)
        for text in shown(variation)
        if _POINT_MEDIAN.search(text)
    ]
    assert found == []


def test_plain_versions_do_not_fall_back_on_the_masculine() -> None:
    """Where the standard version writes « sûr·e », the plain one rephrases (« confiance »)
    rather than writing « sûr » to everyone."""
    found = []
    for name in responses():
        stems = {
            stem for v in defaults(name) for text in shown(v) for stem in _GENDERED.findall(text)
        }
        for variation in plains(name):
            for text in shown(variation):
                found += [(name, s) for s in stems if re.search(rf"\b{re.escape(s)}\b", text)]
    assert found == []


def test_plain_versions_keep_the_buttons_and_only_the_standard_slots() -> None:
    for name in responses():
        for default in defaults(name):
            for plain in plains(name):
                assert payloads(plain) == payloads(default), name
                extra = set(_SLOT.findall(plain.get("text", ""))) - set(
                    _SLOT.findall(default.get("text", ""))
                )
                assert not extra, f"{name}: {extra} is never filled"


@pytest.mark.parametrize("name", ["utter_distress_care", "utter_distress_lines"])
def test_distress_messages_have_a_plain_version(name: str) -> None:
    assert plains(name)


def test_the_help_lines_are_word_for_word_the_same_in_both_versions() -> None:
    def lines(variation: dict[str, Any]) -> list[str]:
        return [line for line in variation["text"].split("\n") if line.startswith(HELP_LINE)]

    (default,) = defaults("utter_distress_lines")
    (plain,) = plains("utter_distress_lines")
    assert lines(plain) == lines(default)
    numbers = ["3018", "119", "Fil Santé Jeunes : 0 800 235 236", "3114", "17 ou 112"]
    assert all(number in "\n".join(lines(default)) for number in numbers)
