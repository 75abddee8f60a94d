"""A scenario on a phone screen (issue 12, item 8): messages that always follow each other are
one bubble, and the feedback openers do not come back within a scenario.

Plays the pure engine through actions/transcript.py; never changes the catalogue or the domain.
"""

from __future__ import annotations

import re

import pytest

from actions.conversation import State
from actions.engine import OPENERS, Engine, feedback_response
from actions.transcript import investigation_answers, right_answers, transcript, turn_for
from scenarios.loader import default_catalogue
from scenarios.schema import InvestigateStep
from tests.play import choose
from tests.unit.test_domain_plain import defaults, plains, responses

CATALOGUE = default_catalogue()
SCENARIOS = sorted(CATALOGUE.scenarios)
KINDS = ("right", "wrong")


def opener(variation: dict) -> str:
    return variation["text"].split("{feedback}")[0].strip()


@pytest.mark.parametrize("kind", KINDS)
def test_each_turn_of_openers_is_in_the_domain_and_says_something_else(kind: str) -> None:
    names = [f"utter_feedback_{kind}_{turn}" for turn in range(OPENERS)]
    assert {n for n in responses() if n.startswith(f"utter_feedback_{kind}")} == set(names)
    for variations in (defaults, plains):
        said = [[opener(v) for v in variations(name)] for name in names]
        assert all(said), f"{kind}: a turn without an opener"
        flat = [o for turn in said for o in turn]
        assert len(flat) == len(set(flat)), f"{kind}: an opener in two turns: {said}"


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_no_feedback_opener_comes_back_within_a_scenario(scenario_id: str) -> None:
    scenario = CATALOGUE.scenarios[scenario_id]
    engine = Engine(CATALOGUE, lambda _text: [])
    state = State()
    said = []
    messages = [choose(scenario_id)] + [m for _, ms in right_answers(scenario) for m in ms]
    for number, message in enumerate(messages):
        outcome = engine.handle(state, turn_for(message, number))
        state = outcome.state
        said += [
            m.response for m in outcome.messages if re.match(r"utter_feedback_", m.response or "")
        ]
    judged = [step for step in scenario.steps if step.kind not in {"open", "investigate"}]
    assert len(said) >= len(judged) and len(said) == len(set(said)), said


def test_the_turn_of_openers_starts_elsewhere_for_another_attempt() -> None:
    starts = {feedback_response(True, State(attempt=f"x:{n}", step=1)) for n in range(20)}
    assert len(starts) > 1


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_a_scenario_is_the_item_then_one_bubble_per_question_and_answer(scenario_id: str) -> None:
    """The item; the title with the open question; a bubble per answer and per question (and
    the confidence question); two per move of the investigate step (its card; its result with
    the menu again); the score with the debrief; the resources with what next.
    Played with the right answers (every reflex shown in the open answer)."""
    scenario = CATALOGUE.scenarios[scenario_id]
    bubbles = transcript(CATALOGUE, scenario_id)
    moves = sum(
        message != choose("enough")
        for step in scenario.steps
        if isinstance(step, InvestigateStep)
        for message in investigation_answers(step)
    )
    assert len(bubbles) == 2 * len(scenario.steps) + 4 + 2 * moves
    item, intro, *_, debrief, last = bubbles
    assert item.picture
    assert scenario.title.fr in intro.text and scenario.steps[0].prompt.fr in intro.text
    assert debrief.text.startswith("🎉") and scenario.debrief.fr in debrief.text
    assert all(r.url in last.text for r in scenario.resources)
    assert last.text.endswith("On continue ?")
    # every reflex shown: no model answer, the debrief's method says it once at the end
    assert all(scenario.steps[0].model_answer.fr not in b.text for b in bubbles)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_the_plain_open_question_never_says_twice_to_write(scenario_id: str) -> None:
    """The scenarios' plain prompts say « Écris ton idée. »: the plain template adds nothing."""
    intro = transcript(CATALOGUE, scenario_id, plain=True)[1].text
    assert intro.count("Écris") <= 1, intro
    assert "?." not in intro  # a title ending in « ? » is not followed by a full stop
