"""Realistic synthetic progress events (scenarios played, open answers, hints, before/after quiz)
for tests, screenshots and benchmarks, drawn from the real scenario catalogue.

Never produces free text or a platform id: only what the events API accepts.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from actions import points
from scenarios.loader import Catalogue
from scenarios.schema import ChoiceStep, OpenStep, ShareStep, VerdictStep

Event = dict[str, Any]  # one progress event, as POST /api/v1/events takes it

# How often a learner of average skill shows each reflex when it is expected.
CRITERION_EASE = {
    "SOURCE": 1.1,
    "LATERAL": 0.8,
    "DATE": 0.55,
    "IMAGE": 0.9,
    "URL": 0.5,
    "EVIDENCE": 0.75,
    "EXPERT": 0.85,
    "EMOTION": 0.65,
    "INTENT": 0.7,
    "SHARE": 1.0,
}
QUIZ_ITEMS = 12


def pseudonym(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _event(rng: random.Random, learner: str, kind: str, at: datetime, **fields: Any) -> Event:
    return {
        "id": _id(rng),
        "type": kind,
        "learner": learner,
        "occurred_at": at.isoformat(),
        **fields,
    }


def _quiz_items(catalogue: Catalogue, form: str) -> list[tuple[str, bool]]:
    quiz = catalogue.quiz
    if quiz is not None:
        items = quiz.form_a if form == "quiz_a" else quiz.form_b
        return [(item.id, item.reliable) for item in items]
    letter = form[-1]
    return [(f"{letter}{i:02d}", i % 2 == 0) for i in range(1, QUIZ_ITEMS + 1)]


def quiz_form(
    rng: random.Random, learner: str, catalogue: Catalogue, form: str, skill: float, at: datetime
) -> list[Event]:
    """One form of the quiz; credulous learners miss fakes more than reliable items."""
    events = []
    for index, (item, reliable) in enumerate(_quiz_items(catalogue, form)):
        chance = min(0.97, skill + (0.12 if reliable else -0.08))
        events.append(
            _event(
                rng,
                learner,
                "quiz_answered",
                at + timedelta(seconds=20 * index),
                scenario=form,
                step=item,
                correct=rng.random() < chance,
                item_reliable=reliable,
                confidence=rng.randint(1, 4),
            )
        )
    return events


def scenario_run(
    rng: random.Random,
    learner: str,
    catalogue: Catalogue,
    scenario_id: str,
    skill: float,
    at: datetime,
) -> list[Event]:
    """One learner playing one scenario from start to (usually) finish."""
    scenario = catalogue.scenarios[scenario_id]
    common = {"scenario": scenario_id}
    events = [_event(rng, learner, "scenario_started", at, **common)]
    moment = at
    for step in scenario.steps:
        moment += timedelta(seconds=rng.randint(20, 90))
        hints = 1 if rng.random() < (1 - skill) * 0.4 and step.hints else 0
        if hints:
            events.append(_event(rng, learner, "hint_used", moment, step=step.id, **common))
        fields: dict[str, Any] = {"step": step.id, **common}
        if isinstance(step, VerdictStep):
            correct = rng.random() < skill
            confidence = rng.randint(2, 4) if correct else rng.randint(1, 4)
            fields |= {
                "points": points.after_hints(
                    points.verdict(
                        points.Judgement.EXACT if correct else points.Judgement.WRONG, confidence
                    ),
                    hints,
                ),
                "max_points": points.VERDICT_MAX,
                "correct": correct,
                "confidence": confidence,
                "item_reliable": scenario.item.reliable,
            }
        elif isinstance(step, ChoiceStep):
            correct = rng.random() < skill
            fields |= {
                "points": points.after_hints(points.choice(correct), hints),
                "max_points": points.CHOICE_MAX,
                "correct": correct,
            }
        elif isinstance(step, ShareStep):
            good = rng.random() < min(0.95, skill + 0.1)
            fields |= {
                "points": points.after_hints(points.share(good), hints),
                "max_points": points.SHARE_MAX,
                "correct": good,
            }
        elif isinstance(step, OpenStep):
            expected = [criterion.value for criterion in step.expected]
            found = {
                code for code in expected if rng.random() < min(0.95, skill * CRITERION_EASE[code])
            }
            fields |= {
                "points": points.after_hints(points.open_answer(found, step.expected), hints),
                "max_points": points.open_max(step.expected),
                "criteria_found": sorted(found),
                "criteria_expected": sorted(expected),
            }
        events.append(_event(rng, learner, "step_scored", moment, **fields))
    if rng.random() < 0.9:
        events.append(
            _event(rng, learner, "scenario_completed", moment + timedelta(seconds=5), **common)
        )
    return events


def learner_history(
    rng: random.Random,
    learner: str,
    catalogue: Catalogue,
    *,
    start: datetime,
    scenarios: list[str],
    sessions: int = 3,
    quiz: bool = True,
) -> list[Event]:
    """A learner's whole course: pre-quiz, scenarios over a few sessions, post-quiz."""
    skill = rng.uniform(0.35, 0.8)
    forms = ["quiz_a", "quiz_b"]
    rng.shuffle(forms)
    events: list[Event] = []
    moment = start + timedelta(minutes=rng.randint(0, 20))
    if quiz:
        events += quiz_form(rng, learner, catalogue, forms[0], skill, moment)
        moment += timedelta(minutes=6)
    per_session = max(1, -(-len(scenarios) // sessions))  # ceiling: at most `sessions` weeks
    for index, scenario_id in enumerate(scenarios):
        if index and index % per_session == 0:
            moment = start + timedelta(days=7 * (index // per_session), minutes=rng.randint(0, 30))
        events += scenario_run(rng, learner, catalogue, scenario_id, skill, moment)
        moment += timedelta(minutes=rng.randint(4, 9))
        skill = min(0.95, skill + 0.025)
    if quiz and rng.random() < 0.9:
        events += quiz_form(rng, learner, catalogue, forms[1], skill + 0.08, moment)
    return events


def class_history(
    rng: random.Random,
    catalogue: Catalogue,
    *,
    learners: list[str],
    start: datetime,
    scenario_count: int = 6,
    level: str | None = None,
) -> Iterator[Event]:
    """A class doing the same scenarios (mostly) in the same weeks."""
    pool = [
        scenario_id
        for scenario_id, scenario in catalogue.scenarios.items()
        if level is None or scenario.level.value == level
    ]
    chosen = rng.sample(pool, min(scenario_count, len(pool)))
    for learner in learners:
        played = [scenario_id for scenario_id in chosen if rng.random() < 0.92]
        yield from learner_history(rng, learner, catalogue, start=start, scenarios=played)
