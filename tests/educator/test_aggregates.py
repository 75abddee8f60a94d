"""Pure aggregation rules without a database: k-anonymity, quiz measures, latest step result."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api import anonymity, quiz_gain, summary
from api.class_events import EventRow

T0 = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)


def row(learner: str, kind: str, minute: int = 0, **fields: object) -> EventRow:
    base: dict = {
        "scenario": None,
        "step": None,
        "points": None,
        "max_points": None,
        "correct": None,
        "item_reliable": None,
        "criteria_found": (),
        "criteria_expected": (),
    }
    return EventRow(
        learner=learner, type=kind, occurred_at=T0 + timedelta(minutes=minute), **(base | fields)
    )


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (30, 30)])
def test_small_counts_are_withheld(n: int, shown: int | None) -> None:
    assert anonymity.count(n, k=5) == shown


def test_figures_below_k_are_withheld() -> None:
    assert anonymity.figure(0.5, learners=4, k=5) is None
    assert anonymity.ratio(0.123456, learners=5, k=5) == 0.123
    assert anonymity.ratio(None, learners=50, k=5) is None


def test_a_form_needs_both_kinds_of_items() -> None:
    only_fakes = [row("a", "quiz_answered", correct=True, item_reliable=False)]
    assert quiz_gain.measures(only_fakes) is None
    mixed = [*only_fakes, row("a", "quiz_answered", correct=False, item_reliable=True)]
    measures = quiz_gain.measures(mixed)
    assert measures is not None
    assert (measures.fake_detection, measures.reliable_detection) == (1.0, 0.0)
    assert measures.discernment == 0.0 and measures.bias == 0.5  # sees fakes everywhere


def test_pre_is_the_first_form_and_first_answers_count() -> None:
    events = [
        row(
            "a",
            "quiz_answered",
            0,
            scenario="quiz_b",
            step="b01",
            correct=False,
            item_reliable=False,
        ),
        row(
            "a", "quiz_answered", 1, scenario="quiz_b", step="b02", correct=True, item_reliable=True
        ),
        row(
            "a",
            "quiz_answered",
            2,
            scenario="quiz_b",
            step="b01",
            correct=True,
            item_reliable=False,
        ),
        row(
            "a",
            "quiz_answered",
            9,
            scenario="quiz_a",
            step="a01",
            correct=True,
            item_reliable=False,
        ),
        row(
            "a", "quiz_answered", 9, scenario="quiz_a", step="a02", correct=True, item_reliable=True
        ),
    ]
    quiz = quiz_gain.per_learner(events)["a"]
    assert quiz.pre is not None and quiz.pre.fake_detection == 0.0
    assert quiz.post is not None and quiz.post.discernment == 1.0


def test_latest_result_of_a_step_counts_and_hints_are_counted() -> None:
    events = [
        row("a", "scenario_started", 0, scenario="s"),
        row("a", "step_scored", 1, scenario="s", step="v", points=0, max_points=4),
        row("a", "hint_used", 2, scenario="s", step="v"),
        row("a", "step_scored", 3, scenario="s", step="v", points=3, max_points=4),
        row(
            "a",
            "step_scored",
            4,
            scenario="s",
            step="o",
            points=1,
            max_points=4,
            criteria_expected=("DATE", "URL"),
            criteria_found=("URL", "SOURCE"),
        ),
        row(
            "a", "quiz_answered", 5, scenario="quiz_a", step="a01", correct=True, item_reliable=True
        ),
    ]
    states = summary.learner_scenarios(events)
    assert list(states) == [("a", "s")]
    state = states[("a", "s")]
    assert state.score == 0.5 and state.hints == 1 and not state.completed
    assert state.criteria() == ({"DATE": 1, "URL": 1}, {"DATE": 0, "URL": 1})
