"""Bodies of the educator API (docs/architecture.md §5): token, classes, class summary.

Never carries a learner pseudonym: every figure here is about a group of at least k learners.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from scenarios.measures import Direction
from scenarios.schema import Criterion, Tool

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


COUNT_NOTE = "0, withheld (null) below k, else rounded down to a multiple of k"
RATE_NOTE = "to the nearest 0.05, over the first learners of the group in bands of k"


class ScenarioFigures(BaseModel):
    scenario: str
    title: str
    learners_started: int | None = Field(description=f"learners who started it: {COUNT_NOTE}")
    learners_completed: int | None = Field(description=COUNT_NOTE)
    mean_score: Rate | None = Field(
        description=f"mean of each learner's points / max points, {RATE_NOTE}"
    )
    suppressed: bool = Field(description="fewer than k learners started it: no figure shown")


class CriterionFigures(BaseModel):
    criterion: Criterion
    learners: int | None = Field(
        description=f"learners asked to show this reflex in the shown cells: {COUNT_NOTE}"
    )
    mastery: Rate | None = Field(
        description=f"mean share of expected uses shown, over the shown cells only, {RATE_NOTE}"
    )
    by_scenario: dict[str, Rate | None] = Field(description="heat-map row; None below k")
    suppressed: bool


class QuizMeasures(BaseModel):
    """Means over learners of each learner's measures (scenarios/measures.py)."""

    learners: int | None = Field(description=COUNT_NOTE)
    fake_detection: Rate | None = Field(description="share of fake items judged not reliable")
    reliable_detection: Rate | None = Field(description="share of reliable items judged reliable")
    discernment: Rate | None = Field(
        description="mean of the two detection rates: 1 all right, 0.5 chance, 0 all wrong"
    )
    bias: SignedRate | None = Field(
        description="fake − reliable detection: > 0 distrusts too much, < 0 believes too much"
    )
    unsure_rate: Rate | None = Field(
        description="share of « je ne sais pas » answers (left out of the detection rates)"
    )
    suppressed: bool


class QuizGain(BaseModel):
    learners: int | None = Field(description=f"learners who took both forms: {COUNT_NOTE}")
    fake_detection: SignedRate | None
    reliable_detection: SignedRate | None
    discernment: SignedRate | None
    bias: Delta | None
    discernment_margin: Rate | None = Field(
        description="half-width of the 95 % interval of the discernment gain (Student's t over"
        " the learners' own gains), rounded up to 0.05"
    )
    discernment_change: Direction | None = Field(
        description="up / down when the published gain exceeds its margin, else noise"
    )
    suppressed: bool


class QuizFigures(BaseModel):
    pre: QuizMeasures = Field(description="first of forms A and B each learner answered")
    post: QuizMeasures = Field(description="the other one, answered afterwards")
    gain: QuizGain = Field(description="mean post − pre of learners who took both")
    delayed: QuizMeasures = Field(
        description="form C, the delayed re-test (offered a week later): its own learners"
    )
    lasting: QuizGain = Field(
        description="mean form C − pre of learners who took both: what remains a week later"
    )


class ToolFigures(BaseModel):
    tool: Tool
    lateral: bool = Field(description="the tool leaves the item (every tool but inspect)")
    used_by: Rate | None = Field(
        description=f"share of the investigating learners who used it at least once, {RATE_NOTE}"
    )


class InvestigationFigures(BaseModel):
    """Which simulated verification tools the class uses in the investigate steps."""

    learners: int | None = Field(
        description=f"learners who did at least one investigate step: {COUNT_NOTE}"
    )
    tools: list[ToolFigures] = Field(description="every tool, in the menu's order")
    never_tried: list[Tool] = Field(
        description="the tools whose published share is 0 (empty while suppressed)"
    )
    first_move_lateral: Rate | None = Field(
        description="share of the investigations (latest result of each investigate step) whose"
        f" first move left the item; an investigation without a move counts as not, {RATE_NOTE}"
    )
    suppressed: bool = Field(description="fewer than k investigating learners: nothing shown")


class MissionFigures(BaseModel):
    """« Dans la peau du manipulateur »: who completed a mission, and how often the class
    recognised a technique on a new example (the « quelle technique ? » questions)."""

    learners_completed: int | None = Field(
        description=f"learners who completed at least one mission: {COUNT_NOTE}"
    )
    learners_recognising: int | None = Field(
        description=f"learners who answered a « quelle technique ? » question: {COUNT_NOTE}"
    )
    techniques_recognised: Rate | None = Field(
        description=f"share of the recognition answers that were right, {RATE_NOTE}"
    )
    suppressed: bool = Field(description="fewer than k learners answered: no share shown")


class MissedReflex(BaseModel):
    criterion: Criterion
    miss_rate: Rate
    scenario: str | None = Field(description="scenario where the class missed it most")


class ActivityDay(BaseModel):
    date: dt.date
    learners: int | None = Field(description=COUNT_NOTE)
    answers: int | None = Field(description="answers of the learners the day's figures are on")
    suppressed: bool


class ClassSummary(BaseModel):
    code: str
    name: str
    k_anonymity: int
    learners: int = Field(description="learners who joined the class")
    active_learners: int | None = Field(description=COUNT_NOTE)
    suppressed: bool = Field(description="fewer than k active learners: nothing broken down")
    scenarios_started: int | None = Field(
        description="learner × scenario pairs started: the sum of the shown rows' counts"
    )
    scenarios_completed: int | None = Field(description="the sum of the shown rows' counts")
    scenarios: list[ScenarioFigures]
    criteria: list[CriterionFigures]
    quiz: QuizFigures
    investigation: InvestigationFigures
    missions: MissionFigures
    most_missed: list[MissedReflex]
    activity: list[ActivityDay]
