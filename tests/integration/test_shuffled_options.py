"""Through `/chat`: learners see a step's options in different orders, and typed letters follow
the order each learner sees (issue 12)."""

from __future__ import annotations

import pytest

from scenarios.loader import default_catalogue
from scenarios.schema import ChoiceStep, Scenario
from tests.conftest import Stack
from tests.integration.test_foundation import new_session, say
from tests.play import choose, right_answers

pytestmark = pytest.mark.integration
CATALOGUE = default_catalogue()


def scenario_and_step() -> tuple[Scenario, ChoiceStep]:
    """The first choice step with the most options (4 learners: same order once in ~14 000)."""
    steps = [
        (scenario, step)
        for scenario in CATALOGUE.scenarios.values()
        for step in scenario.steps
        if isinstance(step, ChoiceStep)
    ]
    return max(steps, key=lambda pair: len(pair[1].options))


def options_shown(stack: Stack, scenario: Scenario, step: ChoiceStep) -> tuple[str, list[str]]:
    """A new learner plays up to the choice step: their session and the labels in shown order."""
    session = new_session(stack)
    replies = say(stack, session, choose(scenario.id))
    for step_id, messages in right_answers(scenario):
        if step_id == step.id:
            break
        for message in messages:
            replies = say(stack, session, message)
    (asked,) = [m for m in replies if m.get("buttons") and step.prompt.fr in (m.get("text") or "")]
    return session, [button["title"].split(") ", 1)[1] for button in asked["buttons"]]


def test_two_learners_see_different_orders_and_typed_b_is_the_second_shown(stack: Stack) -> None:
    scenario, step = scenario_and_step()
    learners = [options_shown(stack, scenario, step) for _ in range(4)]
    orders = {tuple(labels) for _, labels in learners}
    assert len(orders) > 1, "four learners saw the same order"
    assert all(sorted(order) == sorted(o.label.fr for o in step.options) for order in orders)

    session, labels = learners[0]
    second = next(o for o in step.options if o.label.fr == labels[1])
    replies = say(stack, session, "b")
    assert second.feedback.fr in "\n".join(m.get("text") or "" for m in replies)
    (score,) = [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == "score"]
    assert score["step"] == step.id and (score["points"] > 0) == second.correct
