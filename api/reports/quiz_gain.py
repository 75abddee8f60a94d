"""The quiz figures of a class from its quiz_answered events: before (the first of forms A and B
a learner answered), after (the other one), the paired gain, the delayed re-test (form C, a week
later) and what lasts (form C − before, paired).

Never defines a measure (scenarios/measures.py does) and never treats a learner's second answer
to an item as their test answer (the first one counts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import fmean

from api.data.class_events import EventRow
from api.reports import anonymity
from api.schemas.educator import QuizFigures, QuizGain, QuizMeasures
from api.schemas.learner import DELAYED_FORM, QUIZ_FORMS, QUIZ_SCENARIOS
from scenarios.measures import Change, Judgement, Measures, change, mean_change, measure


@dataclass(frozen=True)
class Taken:
    """One learner's measures on one form, and when they started it (position in the events)."""

    started: int
    measures: Measures


def judgements(answers: Sequence[EventRow]) -> list[Judgement]:
    return [
        Judgement.from_outcome(reliable=answer.item_reliable, correct=answer.correct)
        for answer in answers
        if answer.item_reliable is not None
    ]


def forms_taken(events: Sequence[EventRow]) -> dict[str, dict[str, Taken]]:
    """learner → form → their answers (first answer to each item), forms in the order taken."""
    first: dict[tuple[str, str], int] = {}
    answers: dict[tuple[str, str], dict[str, EventRow]] = defaultdict(dict)
    for position, event in enumerate(events):  # oldest first
        if event.type != "quiz_answered" or event.scenario not in QUIZ_SCENARIOS:
            continue
        key = (event.learner, event.scenario)
        first.setdefault(key, position)
        answers[key].setdefault(event.step or "", event)
    taken: dict[str, dict[str, Taken]] = defaultdict(dict)
    for (learner, form), position in first.items():
        items = list(answers[(learner, form)].values())
        taken[learner][form] = Taken(position, measure(judgements(items)))
    return taken


def _in_order(takes: list[Taken]) -> list[Taken]:
    return sorted(takes, key=lambda take: take.started)


def _mean(group: list[Measures], pick: Callable[[Measures], float | None], k: int) -> float | None:
    values = [value for m in group if (value := pick(m)) is not None]
    return anonymity.rate(fmean(values), learners=len(values), k=k) if values else None


def _figures(takes: list[Taken], *, k: int) -> QuizMeasures:
    group = [take.measures for take in anonymity.cohort(_in_order(takes), k=k)]
    return QuizMeasures(
        learners=anonymity.band(len(takes), k=k),
        fake_detection=_mean(group, lambda m: m.fake_detection, k),
        reliable_detection=_mean(group, lambda m: m.reliable_detection, k),
        discernment=_mean(group, lambda m: m.discernment, k),
        bias=_mean(group, lambda m: m.bias, k),
        unsure_rate=_mean(group, lambda m: m.unsure_rate, k),
        suppressed=len(takes) < k,
    )


def _gain(pairs: list[tuple[Taken, Taken]], *, k: int) -> QuizGain:
    """Each learner's later − earlier form, averaged over the first band of learners who took
    both (in the order they started the later one)."""
    group = anonymity.cohort(sorted(pairs, key=lambda pair: pair[1].started), k=k)

    def deltas(pick: Callable[[Measures], float | None]) -> list[float]:
        values = [(pick(pre.measures), pick(post.measures)) for pre, post in group]
        return [b - a for a, b in values if a is not None and b is not None]

    def delta(pick: Callable[[Measures], float | None]) -> float | None:
        values = deltas(pick)
        return anonymity.rate(fmean(values), learners=len(values), k=k) if values else None

    changes = [one for pre, post in group if (one := change(pre.measures, post.measures))]
    spread = mean_change(changes)
    gain, margin = delta(lambda m: m.discernment), None
    if spread is not None:
        margin = anonymity.margin(spread.margin, learners=len(changes), k=k)
    return QuizGain(
        learners=anonymity.band(len(pairs), k=k),
        fake_detection=delta(lambda m: m.fake_detection),
        reliable_detection=delta(lambda m: m.reliable_detection),
        discernment=gain,
        bias=delta(lambda m: m.bias),
        discernment_margin=margin,
        discernment_change=(
            None if gain is None or margin is None else Change(gain, margin).direction
        ),
        suppressed=len(pairs) < k,
    )


def class_quiz(events: Sequence[EventRow], *, k: int) -> QuizFigures:
    """Pre over every learner with a pre-test, post and gain over those with both; the delayed
    re-test over its own learners, and what lasts (form C − pre) over those with both."""
    pre: list[Taken] = []
    pairs: list[tuple[Taken, Taken]] = []
    delayed: list[Taken] = []
    lasting: list[tuple[Taken, Taken]] = []
    for forms in forms_taken(events).values():
        ordered = sorted(
            (take for form, take in forms.items() if form in QUIZ_FORMS),
            key=lambda take: take.started,
        )
        if ordered:
            pre.append(ordered[0])
        if len(ordered) > 1:
            pairs.append((ordered[0], ordered[1]))
        if DELAYED_FORM in forms:
            delayed.append(forms[DELAYED_FORM])
            if ordered:
                lasting.append((ordered[0], forms[DELAYED_FORM]))
    return QuizFigures(
        pre=_figures(pre, k=k),
        post=_figures([post for _pre, post in pairs], k=k),
        gain=_gain(pairs, k=k),
        delayed=_figures(delayed, k=k),
        lasting=_gain(lasting, k=k),
    )
