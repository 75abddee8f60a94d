"""The credential flow in the engine (actions/credentials.py), in process: which badge, which
recipient (pseudonym by default, an identifier of the learner's own, never an e-mail), the
request handed to the action layer, and the offer under the badge message.
"""

from __future__ import annotations

import json

import pytest

from actions import credentials
from actions.conversation import Outcome, Profile, State, Turn
from actions.engine import Engine
from scenarios.loader import default_catalogue


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(default_catalogue(), lambda text: ["SOURCE"] if "source" in text else [])


def press(payload: str) -> Turn:
    intent, _, entities = payload.lstrip("/").partition("{")
    return Turn(intent, payload, entities=json.loads("{" + entities) if entities else {})


def typed(text: str, intent: str = "nlu_fallback") -> Turn:
    return Turn(intent, text, confidence=0.9)


def responses(out: Outcome) -> list[str | None]:
    return [message.response for message in out.messages]


def request(out: Outcome) -> dict[str, object] | None:
    found = [m.custom for m in out.messages if (m.custom or {}).get("type") == "credential_request"]
    return found[0] if found else None


def with_badges(*codes: str) -> State:
    return State(profile=Profile(badges=list(codes)))


def test_without_a_badge_nothing_to_issue(engine: Engine) -> None:
    out = engine.handle(State(), typed("mon badge", "ask_credential"))
    assert responses(out) == ["utter_credential_no_badge"] and request(out) is None


def test_pseudonym_by_default(engine: Engine) -> None:
    out = engine.handle(with_badges("SOURCE"), typed("mon badge", "ask_credential"))
    assert responses(out) == ["utter_credential_recipient"]
    first, _own = out.messages[0].buttons
    assert json.loads(first["payload"].removeprefix("/ask_credential")) == {
        "choice": "SOURCE:pseudonym"
    }
    out = engine.handle(out.state, press(first["payload"]))
    assert request(out) == {"type": "credential_request", "reflex": "SOURCE", "recipient": None}


def test_an_identifier_of_ones_own_but_never_an_email(engine: Engine) -> None:
    state = engine.handle(with_badges("SOURCE"), typed("certificat", "ask_credential")).state
    out = engine.handle(state, press(credentials.payload("SOURCE", credentials.OWN)))
    assert responses(out) == ["utter_credential_ask_identifier"]
    out = engine.handle(out.state, typed("lucas.martin@gmail.com"))
    assert responses(out) == ["utter_credential_no_email"] and request(out) is None
    out = engine.handle(out.state, typed("l m"))
    assert responses(out) == ["utter_credential_bad_identifier"] and request(out) is None
    out = engine.handle(out.state, typed("lucas-77", "greet"))
    assert request(out) == {
        "type": "credential_request",
        "reflex": "SOURCE",
        "recipient": "lucas-77",
    }
    assert out.state.credential is None


def test_stop_or_another_button_cancels_the_wait(engine: Engine) -> None:
    state = engine.handle(with_badges("DATE"), press(credentials.payload("DATE", "own"))).state
    out = engine.handle(state, typed("stop", "stop"))
    assert responses(out) == ["utter_credential_cancelled"] and out.state.credential is None
    state = engine.handle(with_badges("DATE"), press(credentials.payload("DATE", "own"))).state
    out = engine.handle(state, press('/choose_option{"choice":"college"}'))
    assert "utter_credential_cancelled" in responses(out) and request(out) is None


def test_typed_titles_press_the_buttons(engine: Engine) -> None:
    state = engine.handle(with_badges("SOURCE"), typed("mon badge", "ask_credential")).state
    out = engine.handle(state, typed("mon pseudonyme vigie"))
    assert request(out) == {"type": "credential_request", "reflex": "SOURCE", "recipient": None}


def test_several_badges_the_learner_picks_one(engine: Engine) -> None:
    out = engine.handle(with_badges("SOURCE", "DATE"), typed("mon badge", "ask_credential"))
    assert responses(out) == ["utter_credential_which"]
    assert [b["payload"] for b in out.messages[0].buttons] == [
        credentials.payload("SOURCE"),
        credentials.payload("DATE"),
    ]
    out = engine.handle(out.state, press(credentials.payload("DATE")))
    assert responses(out) == ["utter_credential_recipient"]


def test_a_badge_message_offers_the_credential(engine: Engine) -> None:
    state = State(profile=Profile(criteria={"SOURCE": ["a", "b"]}))
    scenario = next(iter(engine.catalogue.scenarios.values()))
    out = engine.handle(state, press(f'/choose_option{{"choice":"{scenario.id}"}}'))
    out = engine.handle(out.state, typed("je regarde la source"))
    badge = next(m for m in out.messages if m.response == "utter_badge")
    assert badge.buttons == credentials.offer_button("SOURCE")


def test_in_an_open_step_an_unsure_request_is_an_answer(engine: Engine) -> None:
    scenario = next(iter(engine.catalogue.scenarios.values()))
    state = engine.handle(
        with_badges("SOURCE"), press(f'/choose_option{{"choice":"{scenario.id}"}}')
    ).state
    out = engine.handle(state, Turn("ask_credential", "le compte a un badge", confidence=0.3))
    assert "utter_credential_recipient" not in responses(out)
    assert any((m.custom or {}).get("type") == "score" for m in out.messages)
