"""A class's progress summary (docs/architecture.md §5) computed from its events: per scenario,
per reflex, before/after/later quiz, investigation tools, most missed reflexes and activity.

Never shows a figure about fewer than k learners nor one that a newcomer alone changes (see
`api.reports.anonymity`), never a total from which a hidden cell follows, never names a learner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from statistics import fmean

from api.data.class_events import EventRow
from api.reports import anonymity, investigation, missions, quiz_gain
from api.schemas.educator import (
    ActivityDay,
    ClassSummary,
    CriterionFigures,
    MissedReflex,
    ScenarioFigures,
)
from api.schemas.learner import MISSION_EVENTS, QUIZ_SCENARIOS
from scenarios.loader import Catalogue
from scenarios.schema import Criterion

ANSWER_TYPES = frozenset({"step_scored", "quiz_answered"})
MOST_MISSED = 3


@dataclass
class LearnerScenario:
    """One learner's state in one scenario: the latest result of each scored step."""

    started: bool = False
    completed: bool = False
    hints: int = 0
    steps: dict[str, EventRow] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        scored = [step for step in self.steps.values() if step.max_points]
        total = sum(step.max_points or 0 for step in scored)
        return sum(step.points or 0 for step in scored) / total if total else None

    def criteria(self) -> tuple[dict[str, int], dict[str, int]]:
        """How often each criterion was expected, and found when expected."""
        expected: dict[str, int] = defaultdict(int)
        found: dict[str, int] = defaultdict(int)
        for step in self.steps.values():
            for criterion in step.criteria_expected:
                expected[criterion] += 1
                found[criterion] += criterion in step.criteria_found
        return expected, found


def learner_scenarios(events: Sequence[EventRow]) -> dict[tuple[str, str], LearnerScenario]:
    """Derived per-learner state, keyed by (learner, scenario); quiz forms and manipulator
    missions excluded."""
    states: dict[tuple[str, str], LearnerScenario] = defaultdict(LearnerScenario)
    for event in events:  # oldest first: later results of a step replace earlier ones
        if event.scenario is None or event.scenario in QUIZ_SCENARIOS:
            continue
        if event.type in MISSION_EVENTS:
            continue
        state = states[(event.learner, event.scenario)]
        state.started = True
        if event.type == "scenario_completed":
            state.completed = True
        elif event.type == "hint_used":
            state.hints += 1
        elif event.type == "step_scored" and event.step is not None:
            state.steps[event.step] = event
    return dict(states)


def scenario_title(catalogue: Catalogue, scenario_id: str) -> str:
    scenario = catalogue.get(scenario_id)
    return scenario.title.fr if scenario else scenario_id


def _scenario_order(catalogue: Catalogue, ids: set[str]) -> list[str]:
    known = [scenario_id for scenario_id in catalogue.scenarios if scenario_id in ids]
    return known + sorted(ids - set(known))


def _scenarios(
    states: dict[tuple[str, str], LearnerScenario], order: list[str], catalogue: Catalogue, k: int
) -> list[ScenarioFigures]:
    figures = []
    for scenario_id in order:
        mine = [state for (_l, s), state in states.items() if s == scenario_id]  # in order started
        scores = [
            score for state in anonymity.cohort(mine, k=k) if (score := state.score) is not None
        ]
        shown = len(mine) >= k
        figures.append(
            ScenarioFigures(
                scenario=scenario_id,
                title=scenario_title(catalogue, scenario_id),
                learners_started=anonymity.band(len(mine), k=k),
                learners_completed=(
                    anonymity.band(sum(state.completed for state in mine), k=k) if shown else None
                ),
                mean_score=(
                    anonymity.rate(fmean(scores), learners=len(scores), k=k)
                    if shown and scores
                    else None
                ),
                suppressed=not shown,
            )
        )
    return figures


def _mastery(rates: dict[str, float], k: int) -> float | None:
    """Mean over the first band of learners (in the order they were first asked) of their rate."""
    group = anonymity.cohort(list(rates.values()), k=k)
    return anonymity.rate(fmean(group), learners=len(group), k=k) if group else None


def _criteria(
    states: dict[tuple[str, str], LearnerScenario], order: list[str], k: int
) -> list[CriterionFigures]:
    # criterion -> scenario -> learner -> share of the expected uses shown (in order asked)
    cells: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for (learner, scenario_id), state in states.items():
        expected, found = state.criteria()
        for criterion, times in expected.items():
            cells[criterion][scenario_id][learner] = found[criterion] / times
    figures = []
    for criterion in Criterion:
        row = cells.get(criterion.value, {})
        shown = {scenario_id: cell for scenario_id, cell in row.items() if len(cell) >= k}
        # the overall figure is over shown cells only: no hidden cell can be subtracted out
        overall: dict[str, list[float]] = defaultdict(list)
        for (learner, scenario_id), _state in states.items():
            if learner in shown.get(scenario_id, {}):
                overall[learner].append(shown[scenario_id][learner])
        means = {learner: fmean(values) for learner, values in overall.items()}
        figures.append(
            CriterionFigures(
                criterion=criterion,
                learners=anonymity.band(len(means), k=k),
                mastery=_mastery(means, k),
                by_scenario={
                    scenario_id: _mastery(row[scenario_id], k)
                    for scenario_id in order
                    if scenario_id in row
                },
                suppressed=len(means) < k,
            )
        )
    return figures


def _most_missed(criteria: list[CriterionFigures]) -> list[MissedReflex]:
    shown = [figure for figure in criteria if figure.mastery is not None and figure.mastery < 1]
    shown.sort(key=lambda figure: (figure.mastery, figure.criterion.value))
    missed = []
    for figure in shown[:MOST_MISSED]:
        cells = {s: v for s, v in figure.by_scenario.items() if v is not None}
        worst = min(cells, key=lambda s: (cells[s], s)) if cells else None
        missed.append(
            MissedReflex(
                criterion=figure.criterion,
                miss_rate=round(1 - (figure.mastery or 0), 2),
                scenario=worst,
            )
        )
    return missed


def _activity(events: Sequence[EventRow], zone: tzinfo, k: int) -> list[ActivityDay]:
    # day -> learner -> answers that day (learners in the order they came that day)
    answers: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for event in events:
        day = event.occurred_at.astimezone(zone).date()
        answers[day][event.learner] += event.type in ANSWER_TYPES
    days = []
    for day in sorted(answers):
        learners = answers[day]
        shown = len(learners) >= k
        group = anonymity.cohort(list(learners.values()), k=k)
        days.append(
            ActivityDay(
                date=day,
                learners=anonymity.band(len(learners), k=k),
                answers=sum(group) if shown else None,
                suppressed=not shown,
            )
        )
    return days


def _total(values: list[int | None]) -> int:
    """A total over the shown cells only (a hidden cell never follows from total − shown)."""
    return sum(value for value in values if value is not None)


def summarise(
    *,
    code: str,
    name: str,
    learners_joined: int,
    events: Sequence[EventRow],
    catalogue: Catalogue,
    k: int,
    zone: tzinfo,
) -> ClassSummary:
    """Every figure of the class dashboard, with the k-anonymity rule applied."""
    active = len({event.learner for event in events})
    states = learner_scenarios(events)
    order = _scenario_order(catalogue, {scenario_id for _l, scenario_id in states})
    shown = active >= k
    criteria = _criteria(states, order, k) if shown else []
    scenarios = _scenarios(states, order, catalogue, k) if shown else []
    return ClassSummary(
        code=code,
        name=name,
        k_anonymity=k,
        learners=learners_joined,
        active_learners=anonymity.band(active, k=k),
        suppressed=not shown,
        scenarios_started=_total([f.learners_started for f in scenarios]) if shown else None,
        scenarios_completed=_total([f.learners_completed for f in scenarios]) if shown else None,
        scenarios=scenarios,
        criteria=criteria,
        quiz=quiz_gain.class_quiz(events if shown else [], k=k),
        investigation=investigation.class_investigation(events if shown else [], catalogue, k=k),
        missions=missions.class_missions(events if shown else [], k=k),
        most_missed=_most_missed(criteria),
        activity=_activity(events, zone, k) if shown else [],
    )
