"""The one definition of every measure (scenarios/measures.py), checked on hand-computed cases."""

from __future__ import annotations

from math import sqrt

import pytest

from scenarios.measures import (
    Change,
    Judgement,
    Share,
    change,
    confidence_probability,
    lean,
    mean_change,
    measure,
)
from scenarios.measures import calibration as calibration_label


def answers(reliable: bool, right: int, wrong: int, unsure: int = 0, confidence: int | None = None):
    judged = [reliable] * right + [not reliable] * wrong + [None] * unsure
    return [Judgement(reliable, j, None if j is None else confidence) for j in judged]


def test_the_definitions_on_a_hand_computed_form() -> None:
    form = answers(False, right=3, wrong=1, unsure=2) + answers(True, right=2, wrong=2, unsure=0)
    m = measure(form)
    assert (m.fake_detection, m.reliable_detection) == (0.75, 0.5)
    assert m.discernment == 0.625  # mean of the two rates, 0.5 = chance
    assert m.bias == 0.25  # fake − reliable detection: leans towards "pas fiable"
    assert m.unsure_rate == 2 / 10 and m.items == 10


def test_je_ne_sais_pas_is_recorded_and_never_counted_as_wrong() -> None:
    sure = answers(False, right=2, wrong=0) + answers(True, right=1, wrong=1)
    hesitant = sure + answers(False, 0, 0, unsure=3) + answers(True, 0, 0, unsure=3)
    assert measure(hesitant).discernment == measure(sure).discernment == 0.75
    assert measure(hesitant).unsure_rate == 0.6 and measure(sure).unsure_rate == 0
    only_unsure = measure(answers(True, 0, 0, unsure=4))
    assert only_unsure.discernment is None and only_unsure.unsure_rate == 1


def test_answering_always_the_same_way_is_chance_with_a_full_bias() -> None:
    everything_fake = measure(answers(False, 5, 0) + answers(True, 0, 5))
    assert everything_fake.discernment == 0.5 and everything_fake.bias == 1
    everything_true = measure(answers(False, 0, 5) + answers(True, 5, 0))
    assert everything_true.discernment == 0.5 and everything_true.bias == -1


def test_an_event_gives_the_same_judgement() -> None:
    assert Judgement.from_outcome(reliable=True, correct=False) == Judgement(True, False)
    assert Judgement.from_outcome(reliable=False, correct=False) == Judgement(False, True)
    assert Judgement.from_outcome(reliable=False, correct=None, confidence=None).correct is None
    assert Judgement(False, False, 3).correct is True


def test_a_lean_needs_a_large_bias_beyond_chance() -> None:
    # one verdict of each kind, both "pas fiable": a 100-point bias, but two answers prove nothing
    assert lean(measure(answers(False, 1, 0) + answers(True, 0, 1))) == "balanced"
    assert lean(measure(answers(False, 4, 0) + answers(True, 0, 4))) == "distrustful"
    assert lean(measure(answers(False, 0, 4) + answers(True, 4, 0))) == "credulous"
    # 15 points over 200 answers is beyond chance but too small to mention
    small = measure(answers(False, 85, 15) + answers(True, 70, 30))
    assert lean(small) == "balanced"
    assert lean(measure(answers(True, 3, 0))) is None


def test_calibration_compares_stated_confidence_with_the_share_right() -> None:
    assert [confidence_probability(level) for level in (1, 4)] == [0.5, 1.0]
    sure_and_wrong = measure(answers(False, 1, 5, confidence=4))
    assert sure_and_wrong.calibration == pytest.approx(1 - 1 / 6)
    assert calibration_label(sure_and_wrong) == "overconfident"
    doubtful_and_right = measure(answers(True, 6, 0, confidence=1))
    assert calibration_label(doubtful_and_right) == "underconfident"
    assert calibration_label(measure(answers(True, 1, 1, confidence=4))) == "calibrated"
    assert calibration_label(measure(answers(True, 2, 0))) is None  # no confidence given


def test_a_change_of_one_quiz_item_is_noise() -> None:
    before = measure(answers(False, 6, 4) + answers(True, 7, 3))  # a 20-item form
    one_more = measure(answers(False, 7, 3) + answers(True, 7, 3))
    step = change(before, one_more)
    assert step is not None and step.delta == pytest.approx(0.05)
    assert step.direction == "noise" and step.margin > 0.2
    all_wrong = measure(answers(False, 0, 10) + answers(True, 0, 10))
    all_right = measure(answers(False, 10, 0) + answers(True, 10, 0))
    up, down = change(all_wrong, all_right), change(all_right, all_wrong)
    assert up is not None and up.direction == "up"
    assert down is not None and down.direction == "down"
    assert change(before, measure(answers(True, 3, 0))) is None


def test_the_margin_of_a_learner_change_comes_from_both_forms() -> None:
    before = measure(answers(False, 1, 1) + answers(True, 1, 1))
    after = measure(answers(False, 2, 0) + answers(True, 2, 0))
    # one added hit and miss per rate: 2/4 → var 1/8, 3/4 → var 3/32, each over n = 2
    half, full = Share(1, 2).variance, Share(2, 2).variance
    assert (half, full) == (1 / 8, 3 / 32)
    expected = 1.96 * sqrt((half + half) / 4 + (full + full) / 4)
    step = change(before, after)
    assert step is not None and step.margin == pytest.approx(expected)


def test_a_group_change_uses_student_t_over_the_learners_changes() -> None:
    deltas = [0.1, 0.2, 0.1, 0.3, 0.2]
    group = mean_change([Change(delta, margin=0.1) for delta in deltas])
    assert group is not None and group.delta == pytest.approx(0.18)
    sd = sqrt(sum((d - 0.18) ** 2 for d in deltas) / 4)
    assert group.margin == pytest.approx(2.776 * sd / sqrt(5))
    assert group.direction == "up"
    spread = [Change(delta, margin=0.1) for delta in (0.1, 0.2, 0.0, 0.3, 0.1)]
    noisy = mean_change(spread)
    assert noisy is not None and noisy.direction == "noise"
    assert mean_change([Change(0.4, 0.3)]) is None


def test_a_group_change_is_never_more_certain_than_the_answers_allow() -> None:
    alike = mean_change([Change(0.1, margin=0.3)] * 4)  # no spread at all
    assert alike is not None and alike.margin == pytest.approx(sqrt(4 * 0.3**2) / 4)
    assert alike.direction == "noise"
