"""The « Dans la peau du manipulateur » figures of a class (issue 17): learners who completed at
least one mission, and the share of the « quelle technique ? » answers that were right.

Never publishes a figure about fewer than k learners nor one a newcomer alone changes: the share
rests on `api.reports.anonymity`'s cohort of the answering learners, in the order they first
answered, and its rounding; reads event types and `correct` only.
"""

from __future__ import annotations

from collections.abc import Sequence

from api.data.class_events import EventRow
from api.reports import anonymity
from api.schemas.educator import MissionFigures


def answers(events: Sequence[EventRow]) -> dict[str, list[bool]]:
    """learner → their recognition answers (right or not), learners in the order they first
    answered; a mission played again adds its answers."""
    by_learner: dict[str, list[bool]] = {}
    for event in events:
        if event.type == "technique_recognised" and event.correct is not None:
            by_learner.setdefault(event.learner, []).append(event.correct)
    return by_learner


def class_missions(events: Sequence[EventRow], *, k: int) -> MissionFigures:
    """Missions completed (a head count) and techniques recognised (a share), under k."""
    completed = {event.learner for event in events if event.type == "mission_completed"}
    by_learner = answers(events)
    group = anonymity.cohort(list(by_learner.values()), k=k)
    given = [answer for mine in group for answer in mine]
    share = sum(given) / len(given) if given else None
    return MissionFigures(
        learners_completed=anonymity.band(len(completed), k=k),
        learners_recognising=anonymity.band(len(by_learner), k=k),
        techniques_recognised=anonymity.rate(share, learners=len(group), k=k),
        suppressed=len(by_learner) < k,
    )
