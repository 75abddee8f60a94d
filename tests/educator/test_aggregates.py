"""Pure aggregation rules without a database: k-anonymity, quiz measures, latest step result."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.data.class_events import EventRow
from api.reports import anonymity, quiz_gain, summary
from scenarios.measures import measure

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


@pytest.mark.parametrize(
    ("n", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (9, 5), (10, 10), (31, 30)]
)
def test_head_counts_are_withheld_below_k_then_banded(n: int, shown: int | None) -> None:
    assert anonymity.band(n, k=5) == shown


def test_figures_are_about_the_first_learners_in_bands_of_k() -> None:
    assert anonymity.cohort(list("abcdefg"), k=5) == list("abcde")
    assert anonymity.cohort(list("abcd"), k=5) == []
    assert anonymity.cohort(list("abcdefghij"), k=5) == list("abcdefghij")


def test_rates_are_withheld_below_k_and_rounded_to_5_points() -> None:
    assert anonymity.rate(0.5, learners=4, k=5) is None
    assert anonymity.rate(None, learners=50, k=5) is None
    assert anonymity.rate(0.123456, learners=5, k=5) == 0.1
    assert anonymity.rate(0.13, learners=5, k=5) == 0.15
    assert anonymity.rate(-0.01, learners=5, k=5) == 0.0  # never −0.0
    assert anonymity.rate(-0.34, learners=5, k=5) == -0.35
    assert anonymity.margin(0.101, learners=5, k=5) == 0.15  # a margin is rounded up
    assert anonymity.margin(0.1, learners=5, k=5) == 0.1


def test_a_form_is_measured_by_scenarios_measures() -> None:
    answers = [
        row("a", "quiz_answered", correct=True, item_reliable=False),
        row("a", "quiz_answered", correct=False, item_reliable=True),
        row("a", "quiz_answered", correct=None, item_reliable=True),
    ]
    measures = measure(quiz_gain.judgements(answers))
    assert (measures.fake_detection, measures.reliable_detection) == (1.0, 0.0)
    assert measures.discernment == 0.5 and measures.bias == 1.0  # sees fakes everywhere
    assert measures.unsure_rate == pytest.approx(1 / 3)


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
        row(
            "a",
            "quiz_answered",
            20,
            scenario="quiz_c",
            step="c01",
            correct=True,
            item_reliable=True,
        ),
    ]
    forms = quiz_gain.forms_taken(events)["a"]
    assert list(forms) == ["quiz_b", "quiz_a", "quiz_c"]
    assert forms["quiz_b"].measures.fake_detection == 0.0
    assert forms["quiz_a"].measures.discernment == 1.0
    assert forms["quiz_c"].measures.reliable_detection == 1.0


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
