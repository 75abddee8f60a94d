"""Every scenario played end to end through the real action server, right and wrong.

Talks to the action server's webhook as Rasa does, so all 37 scenarios run in seconds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import httpx
import pytest
import yaml

from actions.engine import OPTION_CHOICE, option_payload
from actions.transcript import investigation_answers
from scenarios.loader import default_catalogue
from scenarios.schema import (
    ChoiceStep,
    InvestigateStep,
    OpenStep,
    Scenario,
    ShareStep,
    VerdictStep,
)
from tests.conftest import Stack
from tests.play import choose
from vigie.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration
CATALOGUE = default_catalogue()
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


class ActionClient:
    """Plays the Rasa side of the action protocol: one tracker, turn after turn."""

    def __init__(self, stack: Stack, learner: str) -> None:
        token = stack.settings().secret("action_token")
        self.url = f"http://127.0.0.1:{stack.ports.actions}/webhook?token={token}"
        self.learner = learner
        self.slots: dict = {"vigie_state": None, "plain_language": False}
        self.turn = 0

    def send(self, intent: str, text: str = "", entities: dict | None = None) -> list[dict]:
        self.turn += 1
        body = {
            "next_action": "action_vigie",
            "sender_id": self.learner,
            "version": "3.6.21",
            "domain": DOMAIN,
            "tracker": {
                "sender_id": self.learner,
                "slots": self.slots,
                "latest_message": {
                    "text": text or f"/{intent}",
                    "intent": {"name": intent, "confidence": 1.0},
                    "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
                    "message_id": f"m{self.turn}",
                },
                "events": [],
                "paused": False,
                "followup_action": None,
                "active_loop": {},
                "latest_action_name": "action_listen",
            },
        }
        response = httpx.post(self.url, json=body, timeout=30)
        assert response.status_code == 200, response.text
        result = response.json()
        for event in result["events"]:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        return result["responses"]


def learner_for(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def texts(responses: list[dict]) -> str:
    return "\n".join(str(r.get("text") or r.get("feedback") or "") for r in responses)


def score(responses: list[dict]) -> dict:
    (found,) = [r["custom"] for r in responses if (r.get("custom") or {}).get("type") == "score"]
    return found


def play(client: ActionClient, scenario: Scenario, option: int | None) -> Iterator[tuple]:
    """option None: the right answers; else the option-th choice everywhere and wrong verdicts."""
    client.send("choose_option", choose(scenario.id), {"choice": scenario.id})
    for step in scenario.steps:
        if isinstance(step, VerdictStep):
            wrong_side = "faux" if scenario.item.reliable else "vrai"
            verdict = scenario.item.verdict if option is None else wrong_side
            client.send("choose_option", choose(verdict), {"choice": verdict})
            yield step, None, client.send("choose_option", choose("4"), {"choice": "4"})
        elif isinstance(step, ChoiceStep):
            index = (
                option % len(step.options)
                if option is not None
                else next(i for i, o in enumerate(step.options) if o.correct)
            )
            chosen = step.options[index]
            pressed = {"choice": OPTION_CHOICE + chosen.id}
            yield step, chosen, client.send("choose_option", option_payload(chosen.id), pressed)
        elif isinstance(step, ShareStep):
            index = (
                option % 3
                if option is not None
                else next(i for i, o in enumerate(step.options) if o.good)
            )
            chosen = step.options[index]
            yield (
                step,
                chosen,
                client.send("choose_option", choose(chosen.choice), {"choice": chosen.choice}),
            )
        elif isinstance(step, OpenStep):
            text = step.model_answer.fr if option is None else "je sais pas trop"
            yield step, None, client.send("describe_check", text)
        elif isinstance(step, InvestigateStep):
            # right: lateral evidence until enough, then « enough »; else a move that brings
            # nothing, then « enough »
            useless = next(m.tool.value for m in step.moves if not m.evidence)
            pressed = investigation_answers(step) if option is None else [choose(useless)]
            if option is not None:
                pressed.append(choose("enough"))
            for payload in pressed:
                value = json.loads(payload.removeprefix("/choose_option"))["choice"]
                responses = client.send("choose_option", payload, {"choice": value})
            yield step, None, responses


@pytest.mark.parametrize("scenario_id", sorted(CATALOGUE.scenarios))
def test_right_answers_earn_full_marks_and_a_debrief(stack: Stack, scenario_id: str) -> None:
    scenario = CATALOGUE.scenarios[scenario_id]
    client = ActionClient(stack, learner_for(f"right-{scenario_id}"))
    last: list[dict] = []
    for step, _option, responses in play(client, scenario, None):
        payload = score(responses)
        assert payload["step"] == step.id
        if not isinstance(step, OpenStep):
            assert payload["points"] == payload["max_points"], (step.id, payload)
        last = responses
    (debrief,) = [r for r in last if r.get("response") == "utter_debrief"]
    assert debrief["method"] == scenario.fact_checker.fr


@pytest.mark.parametrize("scenario_id", sorted(CATALOGUE.scenarios))
def test_every_option_gets_its_own_feedback(stack: Stack, scenario_id: str) -> None:
    scenario = CATALOGUE.scenarios[scenario_id]
    widest = max(
        [len(s.options) for s in scenario.steps if isinstance(s, ChoiceStep | ShareStep)] or [1]
    )
    for option in range(widest):
        client = ActionClient(stack, learner_for(f"option{option}-{scenario_id}"))
        for step, chosen, responses in play(client, scenario, option):
            payload = score(responses)
            if chosen is not None:
                assert chosen.feedback.fr in texts(responses)
                right = getattr(chosen, "correct", None) or getattr(chosen, "good", None)
                assert (payload["points"] > 0) == bool(right)
            elif isinstance(step, VerdictStep):
                assert payload["points"] == 0
                assert step.feedback_wrong.fr in texts(responses)
