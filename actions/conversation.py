"""The conversation's types: the learner's state, what they said (Turn), and what the engine
and the quiz answer (Message, EventDraft, Outcome).

Plain data shared by `engine` and `quiz_flow`; never decides anything and never keeps the
learner's free text in the state or in an event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from actions.phase import Phase
from scenarios.measures import Judgement, Measures, measure
from scenarios.schema import Verdict


def choice_payload(value: str) -> str:
    """The payload of a button that picks `value` (the `choice` entity of `choose_option`)."""
    entities = json.dumps({"choice": value}, ensure_ascii=False, separators=(",", ":"))
    return f"/choose_option{entities}"


class VerdictRecord(BaseModel):
    reliable: bool
    judged_reliable: bool | None
    confidence: int | None


class Profile(BaseModel):
    """What the learner has done, kept in their own conversation only."""

    results: dict[str, list[int]] = Field(default_factory=dict)
    criteria: dict[str, list[str]] = Field(default_factory=dict)
    verdicts: list[VerdictRecord] = Field(default_factory=list)
    badges: list[str] = Field(default_factory=list)


class QuizAnswer(BaseModel):
    item: str
    reliable: bool
    judged_reliable: bool | None

    def judgement(self) -> Judgement:
        return Judgement(reliable=self.reliable, judged_reliable=self.judged_reliable)


class QuizRecord(BaseModel):
    """Forms in the order taken (first = pre-test) and each form's answers."""

    order: list[str] = Field(default_factory=list)
    answers: dict[str, list[QuizAnswer]] = Field(default_factory=dict)

    def measures(self, form: str) -> Measures:
        return measure(answer.judgement() for answer in self.answers.get(form, []))


class Retest(StrEnum):
    OFFERED = "offered"  # the question is on the learner's screen
    YES = "yes"
    NO = "no"
    DONE = "done"


class MissionProgress(BaseModel):
    """Where a learner is in a manipulator mission (actions/manipulator.py): codes and counts
    only; the post they build is never kept, only the techniques' codes."""

    mission: str
    attempt: str
    position: int = 0  # building turns done, then recognition questions answered
    techniques: list[str] = Field(default_factory=list)
    recognised: int = 0


class State(BaseModel):
    phase: Phase = Phase.IDLE
    scenario: str | None = None
    attempt: str | None = None
    step: int = 0
    verdict: Verdict | None = None
    hints: int = 0
    points: int = 0
    max_points: int = 0
    found: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    plain: bool = False
    moves: list[str] = Field(default_factory=list)  # tools used in this investigate step
    fallbacks: int = 0
    confusions: int = 0
    quiz_form: str | None = None
    quiz_index: int = 0
    quiz: QuizRecord = Field(default_factory=QuizRecord)
    # the delayed re-test (actions/quiz_flow.py): asked once after the post-test; form C is
    # offered from `retest_due` (UTC) on, when the learner said yes
    retest: Retest | None = None
    retest_due: datetime | None = None
    profile: Profile = Field(default_factory=Profile)
    mission: MissionProgress | None = None
    # the buttons on the learner's screen, oldest first: a typed title is that button
    # (actions/typed_buttons.py); our own titles and payloads, never the learner's text
    offered: list[dict[str, str]] = Field(default_factory=list)
    # the reflex whose credential waits for the identifier the learner types (credentials.py)
    credential: str | None = None


@dataclass(frozen=True)
class Turn:
    """What the learner just said, as Rasa understood it."""

    intent: str
    text: str = ""
    confidence: float = 1.0
    entities: dict[str, str] = field(default_factory=dict)
    message_id: str = "0"


@dataclass(frozen=True)
class Message:
    """A reply: a domain response by name, or scenario text, with buttons/image/custom."""

    response: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    image: str | None = None
    custom: dict[str, Any] | None = None


@dataclass(frozen=True)
class EventDraft:
    """A progress event without learner or time (the action layer adds those)."""

    key: str
    type: str
    fields: dict[str, Any]


@dataclass
class Outcome:
    state: State
    messages: list[Message] = field(default_factory=list)
    events: list[EventDraft] = field(default_factory=list)
    erase: bool = False

    def say(
        self, response: str, buttons: list[dict[str, str]] | None = None, **variables: Any
    ) -> None:
        self.messages.append(Message(response=response, variables=variables, buttons=buttons or []))
