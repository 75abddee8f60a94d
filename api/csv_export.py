"""The class CSV: one row per pseudonymous learner × scenario, semicolon-separated UTF-8 with a
BOM so that French Excel opens it right.

Never exports a raw learner id (a per-class alias instead), nor a row of a group below k.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, tzinfo

from api import quiz_gain, summary
from api.class_events import EventRow
from api.labels import labels
from scenarios.loader import Catalogue

BOM = "\ufeff"
COLUMNS = (
    "learner",
    "scenario",
    "title",
    "role",
    "started",
    "completed",
    "steps",
    "points",
    "max_points",
    "score",
    "hints",
    "expected",
    "found",
    "last_day",
)


def learner_alias(pepper: str, *, code: str, learner: str) -> str:
    """A stable per-class alias: the same learner gets another alias in another class."""
    digest = hmac.new(pepper.encode(), f"export:{code}:{learner}".encode(), hashlib.sha256)
    return digest.hexdigest()[:12]


def _yes_no(value: bool) -> str:
    return labels()["yes"] if value else labels()["no"]


def _last_days(events: Sequence[EventRow], zone: tzinfo) -> dict[tuple[str, str], date]:
    last: dict[tuple[str, str], date] = {}
    for event in events:
        if event.scenario is not None:
            last[(event.learner, event.scenario)] = event.occurred_at.astimezone(zone).date()
    return last


def _scenario_rows(
    events: Sequence[EventRow], catalogue: Catalogue, k: int, zone: tzinfo
) -> list[tuple[str, str, dict[str, object]]]:
    states = summary.learner_scenarios(events)
    started: dict[str, int] = defaultdict(int)
    for (_learner, scenario_id), state in states.items():
        started[scenario_id] += state.started
    last = _last_days(events, zone)
    rows = []
    for (learner, scenario_id), state in states.items():
        if started[scenario_id] < k:
            continue
        scored = [step for step in state.steps.values() if step.max_points is not None]
        points = sum(step.points or 0 for step in scored)
        max_points = sum(step.max_points or 0 for step in scored)
        expected, found = state.criteria()
        score = state.score
        rows.append(
            (
                learner,
                scenario_id,
                {
                    "title": summary.scenario_title(catalogue, scenario_id),
                    "role": "",
                    "started": _yes_no(state.started),
                    "completed": _yes_no(state.completed),
                    "steps": len(scored),
                    "points": points,
                    "max_points": max_points,
                    "score": "" if score is None else round(score * 100),
                    "hints": state.hints,
                    "expected": " ".join(sorted(expected)),
                    "found": " ".join(sorted(c for c, n in found.items() if n)),
                    "last_day": last[(learner, scenario_id)].isoformat(),
                },
            )
        )
    return rows


def _quiz_rows(
    events: Sequence[EventRow], k: int, zone: tzinfo
) -> list[tuple[str, str, dict[str, object]]]:
    answers: dict[tuple[str, str], dict[str, EventRow]] = defaultdict(dict)
    order: dict[str, list[str]] = defaultdict(list)
    for event in events:
        if event.type == "quiz_answered" and event.scenario in quiz_gain.QUIZ_FORMS:
            answers[(event.learner, event.scenario)].setdefault(event.step or "", event)
            if event.scenario not in order[event.learner]:
                order[event.learner].append(event.scenario)
    takers: dict[str, int] = defaultdict(int)
    for _learner, form in answers:
        takers[form] += 1
    last = _last_days(events, zone)
    rows = []
    for (learner, form), items in answers.items():
        if takers[form] < k:
            continue
        marked = [item for item in items.values() if item.correct is not None]
        right = sum(bool(item.correct) for item in marked)
        role = "pre" if order[learner][0] == form else "post"
        rows.append(
            (
                learner,
                form,
                {
                    "title": labels()["quiz_forms"][form],
                    "role": labels()["quiz_roles"][role],
                    "started": _yes_no(True),
                    "completed": "",
                    "steps": len(marked),
                    "points": right,
                    "max_points": len(marked),
                    "score": round(100 * right / len(marked)) if marked else "",
                    "hints": "",
                    "expected": "",
                    "found": "",
                    "last_day": last[(learner, form)].isoformat(),
                },
            )
        )
    return rows


def export(
    *,
    code: str,
    events: Sequence[EventRow],
    catalogue: Catalogue,
    pepper: str,
    k: int,
    zone: tzinfo,
) -> str:
    """The CSV text (BOM included); only headers when fewer than k learners were active."""
    header = labels()["csv"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header[column] for column in COLUMNS])
    if len({event.learner for event in events}) >= k:
        rows = _scenario_rows(events, catalogue, k, zone) + _quiz_rows(events, k, zone)
        aliased = [
            (learner_alias(pepper, code=code, learner=learner), scenario, values)
            for learner, scenario, values in rows
        ]
        aliased.sort(key=lambda row: (row[0], row[1]))
        for alias, scenario, values in aliased:
            writer.writerow([alias, scenario] + [values[column] for column in COLUMNS[2:]])
    return BOM + buffer.getvalue()
