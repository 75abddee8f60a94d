"""The investigation figures of a class (issue 16): per tool, the share of the investigating
learners who used it; the tools the class never tries; how often an investigation starts laterally.

Never publishes a figure about fewer than k learners nor one a newcomer alone changes: the
figures rest on `api.reports.anonymity`'s cohort of the investigating learners, in the order they
first investigated, and its rounding; never reads anything but tool codes.
"""

from __future__ import annotations

from collections.abc import Sequence

from api.data.class_events import EventRow
from api.reports import anonymity
from api.schemas.educator import InvestigationFigures, ToolFigures
from scenarios.loader import Catalogue
from scenarios.schema import Tool

Investigation = tuple[str, ...]
"""The tool codes of one investigate step's latest result, in the order used."""
LATERAL = frozenset(tool.value for tool in Tool if tool.lateral)


def _is_investigation(event: EventRow, catalogue: Catalogue) -> bool:
    """The result of an investigate step: it carries moves, or its step is one in the catalogue
    (a learner may conclude without a move)."""
    if event.type != "step_scored" or event.scenario is None or event.step is None:
        return False
    if event.moves:
        return True
    scenario = catalogue.get(event.scenario)
    steps = scenario.steps if scenario is not None else []
    return any(step.id == event.step and step.kind == "investigate" for step in steps)


def investigations(
    events: Sequence[EventRow], catalogue: Catalogue
) -> dict[str, list[Investigation]]:
    """learner → their investigations (the latest result of each step), learners in the order
    they first investigated."""
    latest: dict[tuple[str, str, str], Investigation] = {}
    for event in events:  # oldest first: a replayed step replaces the earlier result
        if _is_investigation(event, catalogue):
            latest[(event.learner, event.scenario or "", event.step or "")] = event.moves
    by_learner: dict[str, list[Investigation]] = {}
    for (learner, _scenario, _step), moves in latest.items():  # keys keep their first position
        by_learner.setdefault(learner, []).append(moves)
    return by_learner


def _share(hits: int, total: int, *, learners: int, k: int) -> float | None:
    return anonymity.rate(hits / total, learners=learners, k=k) if total else None


def class_investigation(
    events: Sequence[EventRow], catalogue: Catalogue, *, k: int
) -> InvestigationFigures:
    """The figures over the cohort of investigating learners; nothing below k of them."""
    by_learner = investigations(events, catalogue)
    group = anonymity.cohort(list(by_learner.values()), k=k)
    learners = len(group)
    used = [{code for moves in mine for code in moves} for mine in group]
    tools = [
        ToolFigures(
            tool=tool,
            lateral=tool.lateral,
            used_by=_share(
                sum(tool.value in mine for mine in used), learners, learners=learners, k=k
            ),
        )
        for tool in Tool
    ]
    done = [moves for mine in group for moves in mine]
    lateral_first = sum(bool(moves) and moves[0] in LATERAL for moves in done)
    return InvestigationFigures(
        learners=anonymity.band(len(by_learner), k=k),
        tools=tools,
        never_tried=[figure.tool for figure in tools if figure.used_by == 0],
        first_move_lateral=_share(lateral_first, len(done), learners=learners, k=k),
        suppressed=len(by_learner) < k,
    )
