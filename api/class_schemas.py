"""Bodies of the educator API (CONTRACTS §5): token, classes, class summary.

Never carries a learner pseudonym: every figure here is about a group of at least k learners.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from scenarios.schema import Criterion

Rate = Annotated[float, Field(ge=0, le=1)]
SignedRate = Annotated[float, Field(ge=-1, le=1)]
Delta = Annotated[float, Field(ge=-2, le=2)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the token expires")


CLASS_NAME_MAX = 120


def _without_control_characters(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and no class name needs a control character
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("control characters are not allowed")
    return value


ClassName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=CLASS_NAME_MAX),
    AfterValidator(_without_control_characters),
]


class ClassIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ClassName = Field(description="a name the educator recognises, e.g. « 4e B — EMI »")


class JoinLinksOut(BaseModel):
    telegram: str = Field(description="Telegram deep link: https://t.me/<bot>?start=<code>")
    web: str = Field(description="web chat URL that joins the class")


class ClassOut(BaseModel):
    code: str
    name: str
    join: JoinLinksOut
    qr: str = Field(description="URL of an SVG QR code of the web join link")
    learners: int = Field(description="learners who joined (always shown: it says nothing else)")
    created_at: dt.datetime


class ScenarioFigures(BaseModel):
    scenario: str
    title: str
    learners_started: int | None
    learners_completed: int | None
    mean_score: Rate | None = Field(description="mean of each learner's points / max points")
    suppressed: bool = Field(description="fewer than k learners started it: no figure shown")


class CriterionFigures(BaseModel):
    criterion: Criterion
    learners: int | None = Field(description="learners asked to show this reflex")
    mastery: Rate | None = Field(description="mean share of expected uses actually shown")
    by_scenario: dict[str, Rate | None] = Field(description="heat-map row; None below k")
    suppressed: bool


class QuizMeasures(BaseModel):
    learners: int | None
    fake_detection: Rate | None = Field(description="share of fake items judged fake")
    reliable_detection: Rate | None = Field(description="share of reliable items judged reliable")
    discernment: SignedRate | None = Field(description="fake + reliable detection − 1")
    bias: SignedRate | None = Field(
        description="(fake − reliable detection) / 2: > 0 sees fakes everywhere, < 0 credulous"
    )
    suppressed: bool


class QuizGain(BaseModel):
    learners: int | None = Field(description="learners who took both forms")
    fake_detection: Delta | None
    reliable_detection: Delta | None
    discernment: Delta | None
    bias: Delta | None
    suppressed: bool


class QuizFigures(BaseModel):
    pre: QuizMeasures = Field(description="first form each learner answered")
    post: QuizMeasures = Field(description="the other form, answered afterwards")
    gain: QuizGain = Field(description="mean post − pre of learners who took both")


class MissedReflex(BaseModel):
    criterion: Criterion
    miss_rate: Rate
    scenario: str | None = Field(description="scenario where the class missed it most")


class ActivityDay(BaseModel):
    date: dt.date
    learners: int | None
    answers: int | None
    suppressed: bool


class ClassSummary(BaseModel):
    code: str
    name: str
    k_anonymity: int
    learners: int = Field(description="learners who joined the class")
    active_learners: int | None
    suppressed: bool = Field(description="fewer than k active learners: nothing broken down")
    scenarios_started: int | None = Field(description="learner × scenario pairs started")
    scenarios_completed: int | None
    scenarios: list[ScenarioFigures]
    criteria: list[CriterionFigures]
    quiz: QuizFigures
    most_missed: list[MissedReflex]
    activity: list[ActivityDay]
