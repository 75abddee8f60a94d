"""Every button the learner can be shown, typed instead of pressed, does what pressing it does.

In-process: the engine plays the home screen, the menu, both level lists, every scenario with
its right answers (every step kind, the confidence question, the debrief), the quiz, the pause,
an interruption, the plain-language offer and the erasure question, in plain language too. At
each screen, every button is pressed once and typed in several spellings (as shown, no emoji,
no accents, no hyphen, glued, with « stp », in teen speak), each under an intent the NLU may
give a typed title; the two outcomes must be equal. The buttons are read as Rasa renders them:
the engine's own, or the domain response's variation for the learner's mode (domain.yml).
Titles whose button a small-talk rule answers before the engine (« C'est anonyme ? ») are left
to the NLU, which has them as examples (nlu/intents/button_titles.yml).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
import yaml

from actions import investigation
from actions.conversation import Outcome, Retest, State, Turn
from actions.engine import Engine, choice_payload
from actions.transcript import right_answers, turn_for
from actions.verdicts import verdict_scale
from scenarios.loader import default_catalogue
from scenarios.schema import ChoiceStep, InvestigateStep, VerdictStep
from vigie.settings import PROJECT_ROOT

CATALOGUE = default_catalogue()
# What the NLU made of typed titles before (or may still make of one it never saw): none of
# these is answered by a rule before the engine.
MISREAD = ["nlu_fallback", "greet", "start_training", "out_of_scope", "choose_option", "deny"]
# Answered by a rule (nlu/rules/small_talk.yml) before the engine: typed ≡ pressed there is the
# NLU's job, not the engine's.
RULE_FIRST = {"/ask_privacy", "/ask_bot_identity", "/thank", "/insult", "/goodbye"}
_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")
_MARKER = re.compile(r"^[A-E]\) ")


def detector(text: str) -> list[str]:
    return []


NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a fixed clock: a re-test's due date is exact
ENGINE = Engine(CATALOGUE, detector, lambda: NOW)


@cache
def responses() -> dict[str, list[dict[str, Any]]]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return dict(domain["responses"])


def rendered_buttons(outcome: Outcome) -> list[dict[str, str]]:
    """The buttons as Rasa sends them: the engine's own, else the domain response's variation
    for the learner's mode (the plain one when there is one and plain language is on)."""
    plain = outcome.state.plain
    shown: list[dict[str, str]] = []
    for message in outcome.messages:
        if message.buttons:
            shown += message.buttons
            continue
        if not message.response:
            continue
        variations = responses()[message.response]
        conditional = [v for v in variations if v.get("condition")]
        chosen = (
            conditional
            if plain and conditional
            else [v for v in variations if not v.get("condition")]
        )
        shown += [
            {"title": b["title"], "payload": b["payload"].replace("{{", "{").replace("}}", "}")}
            for b in chosen[0].get("buttons") or []
        ]
    return shown


def press(button: dict[str, str], message_id: str) -> Turn:
    match = _PAYLOAD.match(button["payload"])
    assert match is not None
    entities = json.loads(match.group(2)) if match.group(2) else {}
    return Turn(match.group(1), button["payload"], entities=entities, message_id=message_id)


def _no_emoji(text: str) -> str:
    kept = (
        c for c in text if unicodedata.category(c) not in {"So", "Sk"} and c not in "\ufe0f\u20e3"
    )
    return " ".join("".join(kept).split())


def _no_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def typed_forms(title: str) -> list[str]:
    """The title as a learner may type it."""
    bare = _no_emoji(title)
    forms = [
        title,
        bare,
        _no_accents(bare).lower(),
        bare.replace("-", " "),
        bare.replace("-", ""),
        f"{bare} stp",
        f"stp {_no_accents(bare).upper()}",
        f"jveux {bare} svp",
    ]
    return list(dict.fromkeys(forms))


def check_screen(outcome: Outcome, message_id: str, tested: set[str]) -> list[str]:
    """Every button of this screen, typed, does what pressing it does: the mismatches."""
    state = outcome.state
    wrong: list[str] = []
    for button in rendered_buttons(outcome):
        if button["payload"] in RULE_FIRST:
            continue
        pressed = ENGINE.handle(state, press(button, message_id))
        for number, form in enumerate(typed_forms(button["title"])):
            intent = MISREAD[number % len(MISREAD)]
            typed = ENGINE.handle(state, Turn(intent, form, confidence=0.6, message_id=message_id))
            if typed != pressed:
                wrong.append(f"{message_id}: typed {form!r} ({intent}) ≠ pressed {button}")
        tested.add(button["title"])
    return wrong


def played(state: State, *messages: str) -> Outcome:
    """The outcome of the last of these messages (payloads or typed text), from `state`."""
    outcome = Outcome(state=state)
    for number, message in enumerate(messages):
        outcome = ENGINE.handle(outcome.state, turn_for(message, number))
    return outcome


def scenario_screens(menu: State) -> Iterator[tuple[Outcome, str]]:
    """Every screen of every scenario played with the right answers, then the debrief."""
    for scenario in CATALOGUE.scenarios.values():
        outcome = played(menu, choice_payload(scenario.id))
        yield outcome, f"{scenario.id}:start"
        for step_id, messages in right_answers(scenario):
            for number, message in enumerate(messages):
                outcome = ENGINE.handle(outcome.state, turn_for(message, number))
                yield outcome, f"{scenario.id}:{step_id}:{number}"


def screens(plain: bool) -> Iterator[tuple[Outcome, str]]:
    home = played(State(plain=plain), "/greet")
    yield home, "home"
    menu = played(home.state, "/list_scenarios")
    yield menu, "menu"
    yield played(menu.state, "/nlu_fallback"), "fallback"
    for level in ("college", "lycee"):
        yield played(menu.state, choice_payload(level)), level
    yield from scenario_screens(menu.state)

    first = next(iter(CATALOGUE.scenarios.values()))
    verdict_at = next(i for i, s in enumerate(first.steps) if isinstance(s, VerdictStep))
    at_verdict = played(menu.state, choice_payload(first.id)).state.model_copy(
        update={"step": verdict_at}
    )
    at_verdict.offered = []
    asked = ENGINE.handle(at_verdict, Turn("repeat", "/repeat"))
    yield asked, "verdict asked again"
    yield played(asked.state, "/stop", "/list_scenarios"), "menu with a scenario paused"
    yield played(asked.state, "/distress"), "after distress"
    if not plain:
        yield played(asked.state, "/repeat"), "plain language offered"  # a second « quoi ? »
    yield played(asked.state, "/forget_me"), "erase?"

    quiz = played(menu.state, choice_payload("quiz"))
    yield quiz, "quiz"
    while quiz.state.quiz_form is not None:
        quiz = ENGINE.handle(quiz.state, Turn("answer_true", "/answer_true", message_id="q"))
        yield quiz, "quiz next"
    # two scenarios done after the pre-test: the third one's end offers the post-test
    done = quiz.state.model_copy(deep=True)
    done.profile.results = {s: [1, 2] for s in list(CATALOGUE.scenarios)[:2]}
    last = list(CATALOGUE.scenarios.values())[2]
    post = played(done, choice_payload(last.id))
    for _, messages in right_answers(last):
        for number, message in enumerate(messages):
            post = ENGINE.handle(post.state, turn_for(message, number))
    assert any(m.response == "utter_offer_post_quiz" for m in post.messages)
    yield post, "post-test offered"

    # the post-test done: « Je te repropose un quiz dans une semaine ? », then form C due
    retest = played(post.state, choice_payload("quiz"))
    while retest.state.quiz_form is not None:
        retest = ENGINE.handle(retest.state, Turn("answer_true", "/answer_true", message_id="q"))
    yield retest, "re-test asked"
    due = retest.state.model_copy(update={"retest": Retest.YES, "retest_due": NOW})
    yield played(due, "/greet"), "re-test due"


@pytest.fixture(scope="module")
def walked() -> tuple[set[str], list[str]]:
    """Both walks, standard and plain: the titles typed and the mismatches."""
    tested: set[str] = set()
    wrong: list[str] = []
    for plain in (False, True):
        for outcome, message_id in screens(plain):
            wrong += check_screen(outcome, message_id, tested)
    return tested, wrong


def test_every_button_typed_does_what_pressing_it_does(walked: tuple[set[str], list[str]]) -> None:
    _, wrong = walked
    assert wrong == [], "\n".join(wrong[:20])


def test_every_button_title_was_typed(walked: tuple[set[str], list[str]]) -> None:
    """No title of the domain (every variation) or of the engine escaped the walks."""
    tested, _ = walked
    expected = {
        b["title"]
        for variations in responses().values()
        for v in variations
        for b in v.get("buttons") or []
        if b["payload"] not in RULE_FIRST
    }
    expected |= set(verdict_scale().values())
    tools = investigation.tools()
    labels: dict[str, set[str]] = {"options": set(), "tools": {tools.enough.label}}
    for scenario in CATALOGUE.scenarios.values():
        for plain in (False, True):
            expected.add(scenario.title.text(plain))
            for step in scenario.steps:
                if isinstance(step, ChoiceStep):
                    labels["options"] |= {o.label.text(plain) for o in step.options}
                elif isinstance(step, InvestigateStep):
                    labels["tools"] |= {tools.tools[m.tool].label for m in step.moves}
    assert expected - tested == set()
    assert labels["tools"] - tested == set()
    assert labels["options"] - {_MARKER.sub("", title) for title in tested} == set()
