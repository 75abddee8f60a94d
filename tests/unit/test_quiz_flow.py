"""The quiz in the chat: forms A and B as pre/post (never C), its figures from
scenarios/measures.py, and an end-of-quiz message that never praises a change within chance."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from actions.conversation import Message, Outcome, State, Turn
from actions.engine import Engine
from actions.phase import Phase
from scenarios.loader import default_catalogue
from scenarios.measures import Judgement, change, measure
from scenarios.schema import QuizItem
from tests.play import choose

CATALOGUE = default_catalogue()
DOMAIN = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text(encoding="utf-8"))
Answer = Callable[[int, QuizItem], str]  # (position, item) → intent


def engine() -> Engine:
    return Engine(CATALOGUE, lambda _text: [])


def start(engine: Engine, state: State, seed: str) -> State:
    value = choose("quiz")
    turn = Turn("choose_option", value, entities={"choice": "quiz"}, message_id=seed)
    return engine.handle(state, turn).state


def take(engine: Engine, state: State, answer: Answer) -> tuple[State, list[Outcome]]:
    """Answer every item of the current form; `answer` gives the intent for each item."""
    assert state.quiz_form is not None
    outcomes = []
    for position, item in enumerate(engine.quiz.items(state.quiz_form)):
        outcome = engine.handle(state, Turn(answer(position, item)))
        state = outcome.state
        outcomes.append(outcome)
    return state, outcomes


def right(_position: int, item: QuizItem) -> str:
    return "answer_true" if item.reliable else "answer_false"


def wrong(_position: int, item: QuizItem) -> str:
    return "answer_false" if item.reliable else "answer_true"


def said(outcome: Outcome, prefix: str) -> list[Message]:
    return [m for m in outcome.messages if (m.response or "").startswith(prefix)]


def texts(response: str) -> str:
    return " ".join(variant["text"] for variant in DOMAIN["responses"][response])


def test_pre_and_post_are_forms_a_and_b_never_c() -> None:
    flow = engine()
    for seed in map(str, range(40)):
        state = start(flow, State(), seed)
        assert state.quiz_form in {"a", "b"}
        pre = state.quiz_form
        state, _ = take(flow, state, right)
        state = start(flow, state, seed + "x")
        assert state.quiz_form == {"a": "b", "b": "a"}[pre]
        state, _ = take(flow, state, right)
        again = flow.handle(state, Turn("choose_option", entities={"choice": "quiz"}))
        assert [m.response for m in again.messages] == ["utter_quiz_all_done"]
        assert "c" not in again.state.quiz.order


def test_the_pre_test_figures_are_the_measures_of_the_answers() -> None:
    flow = engine()
    state = start(flow, State(), "seed")

    def mixed(position: int, item: QuizItem) -> str:
        if position % 4 == 0:
            return "answer_unsure"
        return right(position, item) if position % 3 else wrong(position, item)

    state, outcomes = take(flow, state, mixed)
    items = flow.quiz.items(state.quiz.order[0])
    expected = measure(
        Judgement(
            item.reliable,
            None if position % 4 == 0 else item.reliable == bool(position % 3),
        )
        for position, item in enumerate(items)
    )
    (done,) = said(outcomes[-1], "utter_quiz_done_pre")
    assert done.variables == {
        "fake": f"{round(100 * expected.fake_detection)} %",
        "reliable": f"{round(100 * expected.reliable_detection)} %",
        "discernment": f"{round(100 * expected.discernment)} %",
        "unsure": expected.unsure.hits,
        "count": len(items),
    }
    answers = [e.fields for o in outcomes for e in o.events]
    assert sum(a["correct"] is None for a in answers) == expected.unsure.hits  # not wrong
    assert state.phase is Phase.IDLE


@pytest.mark.parametrize(
    ("first", "second", "direction"),
    [
        (wrong, right, "up"),
        (right, wrong, "down"),
        (right, lambda p, item: wrong(p, item) if p == 0 else right(p, item), "noise"),
    ],
)
def test_the_change_is_judged_against_chance(first: Answer, second: Answer, direction: str) -> None:
    flow = engine()
    state, _ = take(flow, start(flow, State(), "seed"), first)
    state, outcomes = take(flow, start(flow, state, "again"), second)
    (done,) = said(outcomes[-1], "utter_quiz_done_post")
    (verdict,) = said(outcomes[-1], "utter_quiz_change_")
    assert verdict.response == f"utter_quiz_change_{direction}"
    step = change(
        state.quiz.measures(state.quiz.order[0]), state.quiz.measures(state.quiz.order[1])
    )
    assert step is not None and step.direction == direction
    assert done.variables["gain"] == f"{round(100 * step.delta):+d} points"
    assert verdict.variables["margin"] == f"{round(100 * step.margin)} points"
    assert verdict.variables["answers"] == 2 * len(flow.quiz.items("a"))


def test_bravo_only_for_a_change_beyond_chance() -> None:
    assert "Bravo" in texts("utter_quiz_change_up")
    for response in [
        "utter_quiz_done_pre",
        "utter_quiz_done_post",
        "utter_quiz_change_noise",
        "utter_quiz_change_down",
        "utter_quiz_change_unknown",
    ]:
        assert "Bravo" not in texts(response), response
    assert all("{margin}" in texts(f"utter_quiz_change_{d}") for d in ("up", "noise", "down"))


def test_typed_verdicts_of_the_scale_count_on_their_side() -> None:
    flow = engine()
    state = start(flow, State(), "seed")
    typed = [
        Turn("nlu_fallback", "c'est trompeur"),
        Turn("nlu_fallback", "jsp"),
        Turn("skip"),
        Turn("nlu_fallback", "fiable"),
    ]
    for turn in typed:
        state = flow.handle(state, turn).state
    answers = state.quiz.answers[state.quiz_form or ""]
    assert [a.judged_reliable for a in answers] == [False, None, None, True]
    confused = flow.handle(state, Turn("nlu_fallback", "hein ?"))
    assert said(confused, "utter_quiz_help") and len(confused.state.quiz.answers) == 1


def test_my_progress_repeats_the_quiz_figures() -> None:
    flow = engine()
    state, outcomes = take(flow, start(flow, State(), "seed"), wrong)
    (pre,) = said(outcomes[-1], "utter_quiz_done_pre")
    shown = flow.handle(state, Turn("show_progress"))
    (quiz,) = said(shown, "utter_progress_quiz")
    assert quiz.response == "utter_progress_quiz_pre"
    assert quiz.variables["discernment"] == pre.variables["discernment"]
    state, outcomes = take(flow, start(flow, state, "again"), right)
    (post,) = said(outcomes[-1], "utter_quiz_done_post")
    (quiz,) = said(flow.handle(state, Turn("show_progress")), "utter_progress_quiz")
    assert quiz.response == "utter_progress_quiz_post"
    assert (quiz.variables["before"], quiz.variables["discernment"]) == (
        post.variables["before"],
        post.variables["discernment"],
    )
    assert quiz.variables["gain"] == post.variables["gain"]


def test_every_response_said_exists_with_all_its_variables() -> None:
    flow = engine()
    state, first = take(flow, start(flow, State(), "seed"), wrong)
    state, second = take(flow, start(flow, state, "again"), right)
    shown = flow.handle(state, Turn("show_progress"))
    for message in [m for o in [*first, *second, shown] for m in o.messages if m.response]:
        assert message.response in DOMAIN["responses"], message.response
        needed = set(re.findall(r"(?<!\{)\{(\w+)\}", texts(message.response)))
        assert needed <= set(message.variables), (message.response, needed)
