"""Every measure of discernment, defined once: detection of fakes and of reliable items,
discernment, bias, « je ne sais pas » rate, calibration, and how uncertain a change is.

Pure arithmetic on judgements (no I/O, no French): the chat, the dashboard, the CSV and the
printed report all call it, so a figure means the same thing wherever it is read.

One scale everywhere: a rate is a share from 0 to 1 (shown as a percentage); a bias, a
calibration gap or a change is a difference of two rates, from −1 to 1 (shown in points).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import inf, sqrt
from statistics import fmean, stdev
from typing import Literal

CHANCE = 0.5
"""Discernment of someone answering at random (or always the same way)."""
Z95 = 1.96
"""Half-width of a 95 % interval, in standard errors."""
TILT = 0.2
"""A bias or calibration gap within 20 points is too small to tell a learner about."""

# Student's t (0.975 quantile) for 1 … 30 degrees of freedom; beyond, the Cornish–Fisher term.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip

Lean = Literal["credulous", "balanced", "distrustful"]
Calibration = Literal["overconfident", "calibrated", "underconfident"]
Direction = Literal["up", "noise", "down"]


@dataclass(frozen=True)
class Judgement:
    """One answer: is the item reliable, did the learner judge it reliable (None: « je ne sais
    pas »), and how sure they said they were (1 = pas du tout … 4 = très sûr·e; None: not asked).
    """

    reliable: bool
    judged_reliable: bool | None
    confidence: int | None = None

    @classmethod
    def from_outcome(
        cls, *, reliable: bool, correct: bool | None, confidence: int | None = None
    ) -> Judgement:
        """From an event: `correct` means "on the right side of reliable / not reliable"."""
        judged = None if correct is None else correct == reliable
        return cls(reliable=reliable, judged_reliable=judged, confidence=confidence)

    @property
    def correct(self) -> bool | None:
        return None if self.judged_reliable is None else self.judged_reliable == self.reliable


@dataclass(frozen=True)
class Share:
    """`hits` out of `n` answers."""

    hits: int
    n: int

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None

    @property
    def variance(self) -> float:
        """Sampling variance, with one hit and one miss added (never 0 on a few answers)."""
        if not self.n:
            return inf
        p = (self.hits + 1) / (self.n + 2)
        return p * (1 - p) / self.n


def confidence_probability(confidence: int) -> float:
    """How likely to be right a confidence level claims: 1 → 50 % (a guess) … 4 → 100 %."""
    return CHANCE + (confidence - 1) / 6


@dataclass(frozen=True)
class Measures:
    fakes: Share
    """Fake (not reliable) items judged not reliable, among fake items given a verdict."""
    reliables: Share
    """Reliable items judged reliable, among reliable items given a verdict."""
    unsure: Share
    """« Je ne sais pas » among all answers (never counted as wrong)."""
    rated: Share
    """Right-side verdicts among the verdicts given with a confidence level."""
    stated_confidence: float | None
    """Mean confidence of those verdicts, as a probability of being right."""

    @property
    def items(self) -> int:
        return self.unsure.n

    @property
    def judged(self) -> int:
        """Answers with a verdict: what the detection rates rest on."""
        return self.fakes.n + self.reliables.n

    @property
    def fake_detection(self) -> float | None:
        return self.fakes.value

    @property
    def reliable_detection(self) -> float | None:
        return self.reliables.value

    @property
    def discernment(self) -> float | None:
        """Mean of the two detection rates: 1 = all right, 0.5 = chance, 0 = all wrong."""
        if self.fake_detection is None or self.reliable_detection is None:
            return None
        return (self.fake_detection + self.reliable_detection) / 2

    @property
    def discernment_variance(self) -> float:
        return (self.fakes.variance + self.reliables.variance) / 4

    @property
    def bias(self) -> float | None:
        """Fake detection − reliable detection: > 0 distrusts too much, < 0 believes too much."""
        if self.fake_detection is None or self.reliable_detection is None:
            return None
        return self.fake_detection - self.reliable_detection

    @property
    def unsure_rate(self) -> float | None:
        return self.unsure.value

    @property
    def calibration(self) -> float | None:
        """Stated confidence − share right: > 0 overconfident, < 0 underconfident."""
        right = self.rated.value
        if right is None or self.stated_confidence is None:
            return None
        return self.stated_confidence - right


def measure(judgements: Iterable[Judgement]) -> Measures:
    answers = list(judgements)
    given = [a for a in answers if a.judged_reliable is not None]
    fakes = [a for a in given if not a.reliable]
    reliables = [a for a in given if a.reliable]
    rated = [a for a in given if a.confidence is not None]
    levels = [confidence_probability(a.confidence) for a in rated if a.confidence is not None]
    return Measures(
        fakes=Share(sum(a.judged_reliable is False for a in fakes), len(fakes)),
        reliables=Share(sum(a.judged_reliable is True for a in reliables), len(reliables)),
        unsure=Share(len(answers) - len(given), len(answers)),
        rated=Share(sum(bool(a.correct) for a in rated), len(rated)),
        stated_confidence=fmean(levels) if levels else None,
    )


def _beyond(value: float, margin: float) -> bool:
    return abs(value) > max(TILT, margin)


def lean(measures: Measures) -> Lean | None:
    """Credulous or distrustful only when the bias is both large and beyond chance variation;
    None without verdicts on both reliable and fake items."""
    bias = measures.bias
    if bias is None:
        return None
    margin = Z95 * sqrt(measures.fakes.variance + measures.reliables.variance)
    if not _beyond(bias, margin):
        return "balanced"
    return "distrustful" if bias > 0 else "credulous"


def calibration(measures: Measures) -> Calibration | None:
    """Over- or underconfident only when the gap is both large and beyond chance variation;
    None without a verdict given with a confidence level."""
    gap = measures.calibration
    if gap is None:
        return None
    if not _beyond(gap, Z95 * sqrt(measures.rated.variance)):
        return "calibrated"
    return "overconfident" if gap > 0 else "underconfident"


@dataclass(frozen=True)
class Change:
    """A change of a rate (after − before) and the half-width of its 95 % interval."""

    delta: float
    margin: float

    @property
    def direction(self) -> Direction:
        """`noise` when chance alone could explain the change."""
        if self.delta > self.margin:
            return "up"
        if self.delta < -self.margin:
            return "down"
        return "noise"


def change(before: Measures, after: Measures) -> Change | None:
    """One learner's discernment from one form to the other, with both forms' sampling error."""
    if before.discernment is None or after.discernment is None:
        return None
    margin = Z95 * sqrt(before.discernment_variance + after.discernment_variance)
    return Change(delta=after.discernment - before.discernment, margin=margin)


def t975(degrees: int) -> float:
    if degrees <= len(_T975):
        return _T975[degrees - 1]
    return Z95 + (Z95**3 + Z95) / (4 * degrees)


def mean_change(changes: Sequence[Change]) -> Change | None:
    """A group's mean change: Student's t interval over the learners' own changes, and never
    narrower than what their answers alone leave uncertain (when every learner changed alike)."""
    if len(changes) < 2:
        return None
    deltas = [one.delta for one in changes]
    spread = t975(len(changes) - 1) * stdev(deltas) / sqrt(len(changes))
    answers = sqrt(sum(one.margin**2 for one in changes)) / len(changes)
    return Change(delta=fmean(deltas), margin=max(spread, answers))
