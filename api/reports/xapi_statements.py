"""xAPI 1.0.3 statements of progress events, for a learning record store: the learner as an
account (the pseudonym on the deployment's URL), ADL verbs, activities under the deployment's
URL with French names, score and success, the class as a group only when its educator shares it.

Never puts a name, an e-mail, a platform id or free text in a statement: an event has none, and
only its codes and numbers are read. Pure functions: no database, no network.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from api.data.xapi_outbox import QueuedEvent
from scenarios.loader import Catalogue
from vigie.data_files import DataModel, load_yaml

VERSION = "1.0.3"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
NAMESPACE = uuid.UUID("5b1c1d0e-8f0a-5e0c-9a43-7669676965a1")
"""The UUID5 namespace of Vigie's statement ids: the same event gives the same id, always."""
LANGUAGE = "fr-FR"
PLATFORM = "Vigie"
NAMES_FILE = Path(__file__).resolve().parent / "xapi_fr.yml"

Statement = dict[str, Any]


class XapiNames(DataModel):
    """xapi_fr.yml: the verbs' French displays and the activities' name patterns."""

    verbs: dict[str, str]
    step: str
    quiz: str
    quiz_item: str
    figure: str


@cache
def names() -> XapiNames:
    return load_yaml(NAMES_FILE, XapiNames)


@dataclass(frozen=True)
class Deployment:
    """What every statement of one deployment shares."""

    base_url: str
    catalogue: Catalogue
    pass_threshold: float

    def iri(self, *parts: str) -> str:
        return "/".join((self.base_url.rstrip("/"), "xapi", *parts))


def statement_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def timestamp(moment: datetime) -> str:
    """UTC, milliseconds, `Z`: the form an LRS stores back unchanged."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def verb(name: str) -> dict[str, Any]:
    return {"id": ADL_VERBS + name, "display": {LANGUAGE: names().verbs[name], "en-US": name}}


def activity(iri: str, name: str, kind: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"name": {LANGUAGE: name}, "type": ADL_ACTIVITIES + kind},
    }


def account(deployment: Deployment, name: str) -> dict[str, str]:
    return {"homePage": deployment.base_url, "name": name}


def _quiz_letter(form: str) -> str:
    return form.removeprefix("quiz_").upper()


def _scenario_activity(event: QueuedEvent, deployment: Deployment) -> dict[str, Any]:
    scenario_id = event.scenario or ""
    if scenario_id.startswith("quiz_"):
        name = names().quiz.format(form=_quiz_letter(scenario_id))
        return activity(deployment.iri("activities", "quiz", scenario_id), name, "assessment")
    scenario = deployment.catalogue.get(scenario_id)
    title = scenario.title.fr if scenario else scenario_id
    return activity(deployment.iri("activities", "scenarios", scenario_id), title, "simulation")


def _step_activity(event: QueuedEvent, deployment: Deployment) -> dict[str, Any]:
    scenario_id, step = event.scenario or "", event.step or ""
    if scenario_id.startswith("quiz_"):
        name = names().quiz_item.format(form=_quiz_letter(scenario_id), item=step)
        return activity(
            deployment.iri("activities", "quiz", scenario_id, "items", step), name, "question"
        )
    scenario = deployment.catalogue.get(scenario_id)
    steps = [each.id for each in scenario.steps] if scenario else []
    number = str(steps.index(step) + 1) if step in steps else step
    title = scenario.title.fr if scenario else scenario_id
    name = names().step.format(scenario=title, number=number)
    return activity(
        deployment.iri("activities", "scenarios", scenario_id, "steps", step), name, "question"
    )


def _scaled(event: QueuedEvent) -> float | None:
    if event.points is None or not event.max_points:
        return None
    return round(event.points / event.max_points, 4)


def _result(event: QueuedEvent, deployment: Deployment, *, completion: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    scaled = _scaled(event)
    if scaled is not None:
        result["score"] = {
            "scaled": scaled,
            "raw": event.points,
            "min": 0,
            "max": event.max_points,
        }
    if event.correct is not None:
        result["success"] = event.correct
    elif scaled is not None:
        result["success"] = scaled >= deployment.pass_threshold
    if completion:
        result["completion"] = True
    extensions = {
        deployment.iri("extensions", "criteria-found"): list(event.criteria_found),
        deployment.iri("extensions", "criteria-expected"): list(event.criteria_expected),
    }
    if event.criteria_expected:
        result["extensions"] = extensions
    return result


def _context(
    event: QueuedEvent, deployment: Deployment, *, parent: dict[str, Any] | None
) -> dict[str, Any]:
    context: dict[str, Any] = {"platform": PLATFORM, "language": LANGUAGE}
    if parent is not None:
        context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": parent["id"]}]}
    if event.group is not None:
        context["team"] = {"objectType": "Group", "account": account(deployment, event.group)}
    return context


def _statement(
    key: str,
    event: QueuedEvent,
    deployment: Deployment,
    *,
    verb_name: str,
    target: dict[str, Any],
    result: dict[str, Any] | None,
    parent: dict[str, Any] | None = None,
) -> Statement:
    statement: Statement = {
        "id": statement_id(key),
        "actor": {"objectType": "Agent", "account": account(deployment, event.learner)},
        "verb": verb(verb_name),
        "object": target,
        "context": _context(event, deployment, parent=parent),
        "timestamp": timestamp(event.occurred_at),
        "version": VERSION,
    }
    if result:
        statement["result"] = result
    return statement


def statements(event: QueuedEvent, deployment: Deployment) -> list[Statement]:
    """The statements of one event: scenario_started → attempted; step_scored and
    quiz_answered → answered; scenario_completed → completed, and passed as well when its
    scaled score reaches the deployment's threshold. Other events give none."""
    scenario = _scenario_activity(event, deployment)
    if event.type == "scenario_started":
        return [
            _statement(
                event.id, event, deployment, verb_name="attempted", target=scenario, result=None
            )
        ]
    if event.type in {"step_scored", "quiz_answered"}:
        return [
            _statement(
                event.id,
                event,
                deployment,
                verb_name="answered",
                target=_step_activity(event, deployment),
                result=_result(event, deployment, completion=False),
                parent=scenario,
            )
        ]
    if event.type != "scenario_completed":
        return []
    result = _result(event, deployment, completion=True)
    scaled = _scaled(event)
    passed = scaled is not None and scaled >= deployment.pass_threshold
    result["success"] = passed
    completed = _statement(
        event.id, event, deployment, verb_name="completed", target=scenario, result=result
    )
    if not passed:
        return [completed]
    return [
        completed,
        _statement(
            f"{event.id}:passed",
            event,
            deployment,
            verb_name="passed",
            target=scenario,
            result=result,
        ),
    ]
