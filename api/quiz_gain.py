"""Before/after quiz measures from quiz_answered events: detection of fakes, of reliable items,
discernment and response bias, per learner, then averaged with the k-anonymity rule.

Never treats a learner's second answer to an item as their test answer (the first one counts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from api import anonymity
from api.class_events import EventRow
from api.class_schemas import QuizFigures, QuizGain, QuizMeasures

QUIZ_FORMS = ("quiz_a", "quiz_b")


@dataclass(frozen=True)
class Measures:
    fake_detection: float
    reliable_detection: float

    @property
    def discernment(self) -> float:
        """Hit rate on fakes minus false alarms on reliable items (−1 … 1)."""
        return self.fake_detection + self.reliable_detection - 1

    @property
    def bias(self) -> float:
        """Leaning towards 'fake' on a balanced set, minus one half (−0.5 … 0.5)."""
        return (self.fake_detection - self.reliable_detection) / 2


@dataclass(frozen=True)
class LearnerQuiz:
    pre: Measures | None
    post: Measures | None


def measures(answers: Iterable[EventRow]) -> Measures | None:
    """One form's measures; None unless both fake and reliable items were answered."""
    fake: list[bool] = []
    reliable: list[bool] = []
    for answer in answers:
        if answer.correct is None or answer.item_reliable is None:
            continue
        (reliable if answer.item_reliable else fake).append(answer.correct)
    if not fake or not reliable:
        return None
    return Measures(fake_detection=fmean(fake), reliable_detection=fmean(reliable))


def per_learner(events: Sequence[EventRow]) -> dict[str, LearnerQuiz]:
    """Each learner's pre (first form answered) and post (the other form) measures."""
    forms: dict[str, dict[str, dict[str, EventRow]]] = defaultdict(dict)
    order: dict[str, list[str]] = defaultdict(list)
    for event in events:  # oldest first
        if event.type != "quiz_answered" or event.scenario not in QUIZ_FORMS:
            continue
        items = forms[event.learner].setdefault(event.scenario, {})
        if event.scenario not in order[event.learner]:
            order[event.learner].append(event.scenario)
        items.setdefault(event.step or "", event)
    result: dict[str, LearnerQuiz] = {}
    for learner, taken in order.items():
        pre = measures(forms[learner][taken[0]].values())
        post = measures(forms[learner][taken[1]].values()) if len(taken) > 1 else None
        result[learner] = LearnerQuiz(pre=pre, post=post if pre is not None else None)
    return result


def _mean_measures(group: list[Measures], *, k: int) -> QuizMeasures:
    size = len(group)
    shown = size >= k

    def rate(values: list[float]) -> float | None:
        return anonymity.ratio(fmean(values), learners=size, k=k) if values and shown else None

    return QuizMeasures(
        learners=anonymity.count(size, k=k),
        fake_detection=rate([m.fake_detection for m in group]),
        reliable_detection=rate([m.reliable_detection for m in group]),
        discernment=rate([m.discernment for m in group]),
        bias=rate([m.bias for m in group]),
        suppressed=not shown,
    )


def _gain(pairs: list[tuple[Measures, Measures]], *, k: int) -> QuizGain:
    size = len(pairs)
    shown = size >= k

    def delta(pick: str) -> float | None:
        if not pairs or not shown:
            return None
        value = fmean(getattr(post, pick) - getattr(pre, pick) for pre, post in pairs)
        return anonymity.ratio(value, learners=size, k=k)

    return QuizGain(
        learners=anonymity.count(size, k=k),
        fake_detection=delta("fake_detection"),
        reliable_detection=delta("reliable_detection"),
        discernment=delta("discernment"),
        bias=delta("bias"),
        suppressed=not shown,
    )


def class_quiz(events: Sequence[EventRow], *, k: int) -> QuizFigures:
    """Pre over every learner with a pre-test, post over those with both, gain paired."""
    learners = per_learner(events).values()
    pre = [quiz.pre for quiz in learners if quiz.pre is not None]
    paired = [(quiz.pre, quiz.post) for quiz in learners if quiz.pre and quiz.post]
    return QuizFigures(
        pre=_mean_measures(pre, k=k),
        post=_mean_measures([post for _pre, post in paired], k=k),
        gain=_gain(paired, k=k),
    )
