"""Request and response bodies of the API, validated field by field.

Progress events accept codes and numbers only: there is no field that could hold free text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from scenarios.missions import Technique
from scenarios.schema import Criterion, Tool

Pseudonym = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
ClassCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{4,16}$")]
ShortCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_:]{1,64}$")]
CLOCK_SKEW = timedelta(minutes=5)
MOVES_MAX = len(Tool)
"""An investigate step offers each tool at most once."""

QUIZ_FORMS = ("quiz_a", "quiz_b")
"""The pre / post forms: whichever a learner answered first is their pre-test."""
DELAYED_FORM = "quiz_c"
QUIZ_SCENARIOS = frozenset({*QUIZ_FORMS, DELAYED_FORM})
"""An event's `scenario` is a catalogue scenario's id or one of these quiz forms."""

EventType = Literal[
    "scenario_started",
    "step_scored",
    "hint_used",
    "scenario_completed",
    "badge_awarded",
    "quiz_answered",
    "distress",
    "mission_started",
    "mission_completed",
    "technique_recognised",
]
MISSION_EVENTS = frozenset({"mission_started", "mission_completed", "technique_recognised"})
"""« Dans la peau du manipulateur »: their `scenario` is a mission id (scenarios/missions.yml)."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChatSessionIn(Strict):
    class_code: ClassCode | None = None


class ChatSessionOut(BaseModel):
    session_id: str


class ChatResumeIn(Strict):
    """The signed way back a learner who said yes to the delayed re-test keeps (the widget)."""

    token: Annotated[str, StringConstraints(min_length=1, max_length=512)]


class ChatIn(Strict):
    session_id: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


BotMessage = dict[str, Any]


class ProgressEventIn(Strict):
    """One scored fact about a pseudonymous learner; `id` makes re-sending harmless."""

    id: UUID
    type: EventType
    learner: Pseudonym | None = None
    scenario: ShortCode | None = None
    step: ShortCode | None = None
    points: Annotated[int, Field(ge=0, le=1000)] | None = None
    max_points: Annotated[int, Field(ge=0, le=1000)] | None = None
    correct: bool | None = None
    confidence: Annotated[int, Field(ge=1, le=4)] | None = None
    item_reliable: bool | None = None
    criteria_found: Annotated[list[Criterion], Field(max_length=10)] = Field(default_factory=list)
    criteria_expected: Annotated[list[Criterion], Field(max_length=10)] = Field(
        default_factory=list
    )
    moves: Annotated[list[Tool], Field(max_length=MOVES_MAX)] = Field(
        default_factory=list,
        description="the investigate step's tools, in the order used (codes only)",
    )
    techniques: Annotated[list[Technique], Field(max_length=len(Technique))] = Field(
        default_factory=list,
        description="a mission's techniques, used (mission_completed) or to recognise (codes)",
    )
    occurred_at: datetime

    @model_validator(mode="after")
    def _coherent(self) -> ProgressEventIn:
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at needs a timezone")
        if self.occurred_at > datetime.now(UTC) + CLOCK_SKEW:
            raise ValueError("occurred_at is in the future")
        if (self.points is None) != (self.max_points is None):
            raise ValueError("points and max_points go together")
        if (
            self.points is not None
            and self.max_points is not None
            and self.points > self.max_points
        ):
            raise ValueError("points exceed max_points")
        if self.type != "distress" and self.learner is None:
            raise ValueError("learner is required for this event type")
        if self.type == "distress" and self.learner is not None:
            raise ValueError("distress is counted without a learner")
        if self.moves and self.type != "step_scored":
            raise ValueError("moves belong to a step_scored event")
        if self.techniques and self.type not in {"mission_completed", "technique_recognised"}:
            raise ValueError("techniques belong to a mission event")
        return self


class EventBatchIn(Strict):
    events: Annotated[list[ProgressEventIn], Field(min_length=1, max_length=500)]


class IngestResult(BaseModel):
    stored: int
    duplicates: int
