"""Typed schema of a Vigie scenario and of the discernment quiz.

Scenarios are data: this module only describes and validates them; it never holds
learner-facing French (that lives in the YAML files it validates).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Criterion(StrEnum):
    """Verification reflexes of docs/architecture.md §3, scored in open answers."""

    SOURCE = "SOURCE"
    LATERAL = "LATERAL"
    DATE = "DATE"
    IMAGE = "IMAGE"
    URL = "URL"
    EVIDENCE = "EVIDENCE"
    EXPERT = "EXPERT"
    EMOTION = "EMOTION"
    INTENT = "INTENT"
    SHARE = "SHARE"


class Level(StrEnum):
    COLLEGE = "college"
    LYCEE = "lycee"


class Difficulty(StrEnum):
    FACILE = "facile"
    MOYEN = "moyen"
    DIFFICILE = "difficile"


class Kind(StrEnum):
    """The kinds of misinformation (docs/architecture.md); a reliable item keeps its kind."""

    DECONTEXTUALISED_PHOTO = "decontextualised_photo"
    FAKE_SCREENSHOT = "fake_screenshot"
    IMPOSTER_SITE = "imposter_site"
    SATIRE = "satire"
    HEALTH_CLAIM = "health_claim"
    MISLEADING_STATISTIC = "misleading_statistic"
    CONSPIRACY_VIDEO = "conspiracy_video"
    DEEPFAKE = "deepfake"
    CHAIN_MESSAGE = "chain_message"
    SPONSORED_CONTENT = "sponsored_content"
    FAKE_QUOTE = "fake_quote"
    SCAM = "scam"
    ALGORITHMIC_BUBBLE = "algorithmic_bubble"
    AI_GENERATED = "ai_generated"
    FEED_MANIPULATION = "feed_manipulation"  # a short video re-cut, fake engagement (bots)
    DISGUISED_GENRE = "disguised_genre"  # opinion as news, a fact-check or public page imitated


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Wording(Strict):
    """A learner-facing text and its plain-language (FALC-inspired) version."""

    fr: Annotated[str, Field(min_length=1)]
    falc: Annotated[str, Field(min_length=1)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: object) -> object:
        return {"fr": value} if isinstance(value, str) else value

    def text(self, plain: bool) -> str:
        """The version to show: the plain one when asked for and written."""
        return self.falc if plain and self.falc else self.fr


class ItemImage(Strict):
    """A generated card picturing the item; `alt` says what matters to verify."""

    file: Annotated[str, Field(pattern=r"^[a-z0-9_\-]+\.(png|jpg)$")]
    alt: Annotated[str, Field(min_length=20)]
    template: Literal["post", "news_site", "chat", "graph", "photo", "lookup"]
    data: dict[str, object] = Field(default_factory=dict)


Verdict = Literal["vrai", "trompeur", "faux", "inverifiable", "satire"]
"""A fact-checker's verdict scale; only `vrai` is on the reliable side."""

VERDICTS: tuple[Verdict, ...] = get_args(Verdict)


def is_reliable(verdict: Verdict) -> bool:
    """The mapping of the verdict scale onto reliable / not reliable used by every measure."""
    return verdict == "vrai"


class Item(Strict):
    """The suspicious (or reliable) thing the learner examines."""

    format: Literal["post", "news_site", "chat", "graph", "photo", "video", "article", "ad"]
    text: Wording
    author: str
    handle: str | None = None
    url: str | None = None
    date: str
    verdict: Verdict
    also_accepted: list[Verdict] = Field(default_factory=list)
    image: ItemImage | None = None

    @model_validator(mode="after")
    def _also_accepted_on_the_same_side(self) -> Item:
        for other in self.also_accepted:
            if other == self.verdict:
                raise ValueError(f"also_accepted repeats the verdict '{other}'")
            if is_reliable(other) != self.reliable:
                raise ValueError(
                    f"also_accepted '{other}' is on the other side of reliable / not reliable"
                    f" than the verdict '{self.verdict}'"
                )
        if len(set(self.also_accepted)) != len(self.also_accepted):
            raise ValueError("also_accepted lists a verdict twice")
        return self

    @property
    def reliable(self) -> bool:
        """True when the fact-checker's verdict is `vrai` (what every measure counts)."""
        return is_reliable(self.verdict)

    def accepts(self, verdict: Verdict) -> bool:
        """Full credit: the verdict itself or one a fact-checker would also accept."""
        return verdict == self.verdict or verdict in self.also_accepted


class Option(Strict):
    id: Annotated[str, Field(pattern=r"^[a-e]$")]
    label: Wording
    correct: bool
    feedback: Wording


class StepBase(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    prompt: Wording
    hints: list[Wording] = Field(default_factory=list)


class VerdictStep(StepBase):
    """A verdict on the fact-checker's scale, then how sure (1–4): overconfident errors cost most.

    `feedback_correct` follows an exact or also-accepted verdict (and a right-side one, after a
    line naming the fact-checker's verdict); `feedback_wrong` follows a wrong-side verdict."""

    kind: Literal["verdict"]
    feedback_correct: Wording
    feedback_wrong: Wording


def _one_at_least(rightness: list[bool], error: str) -> None:
    """A step's options: one at least is right (correct, good), else a ValueError `error`."""
    if not any(rightness):
        raise ValueError(error)


class ChoiceStep(StepBase):
    kind: Literal["choice"]
    options: Annotated[list[Option], Field(min_length=2, max_length=5)]

    @model_validator(mode="after")
    def _options_are_sound(self) -> ChoiceStep:
        ids = [option.id for option in self.options]
        if ids != [chr(ord("a") + i) for i in range(len(ids))]:
            raise ValueError("option ids must be a, b, c… in order")
        _one_at_least(
            [option.correct for option in self.options], "at least one option must be correct"
        )
        return self


class OpenStep(StepBase):
    """A free-text 'comment tu vérifierais ?' answer scored against expected criteria."""

    kind: Literal["open"]
    expected: Annotated[list[Criterion], Field(min_length=1, max_length=5)]
    model_answer: Wording


class ShareOption(Strict):
    choice: Literal["partager", "attendre", "signaler"]
    good: bool
    feedback: Wording


class ShareStep(StepBase):
    """Partager / attendre / signaler: rewards the pause."""

    kind: Literal["share"]
    options: Annotated[list[ShareOption], Field(min_length=3, max_length=3)]

    @model_validator(mode="after")
    def _each_choice_once(self) -> ShareStep:
        if sorted(option.choice for option in self.options) != ["attendre", "partager", "signaler"]:
            raise ValueError("options must be partager, attendre and signaler, once each")
        _one_at_least(
            [option.good for option in self.options], "at least one share option must be good"
        )
        return self


class Tool(StrEnum):
    """The simulated verification tools of an investigate step (labels and typed words in
    actions/investigation_tools.yml). Every tool but INSPECT leaves the item: lateral reading."""

    SEARCH = "search"
    REVERSE_IMAGE = "reverse_image"
    ACCOUNT = "account"
    SITE = "site"
    ENCYCLOPEDIA = "encyclopedia"
    ARCHIVE = "archive"
    OFFICIAL = "official"
    INSPECT = "inspect"

    @property
    def lateral(self) -> bool:
        """Leaving the item to check it elsewhere (what lateral reading rewards first)."""
        return self is not Tool.INSPECT


class Move(Strict):
    """One tool of the menu and its scripted, fictional result, written for this item.

    `evidence`: the result bears on the verdict (a fact-checker would rely on it);
    `void`: the tool finds nothing at all (a data void), which may itself be evidence."""

    tool: Tool
    result: Wording
    card: ItemImage
    evidence: bool
    void: bool = False

    @model_validator(mode="after")
    def _card_is_a_lookup(self) -> Move:
        if self.card.template != "lookup":
            raise ValueError("a move's card uses the 'lookup' template")
        return self


class InvestigateStep(StepBase):
    """The learner checks with simulated tools: `budget` moves among `moves` (one per tool),
    then stops. Points reward a lateral first move, reaching `enough` evidence results and
    stopping once there is enough (actions/points.py); `feedback` says what a fact-checker
    would have done with these tools."""

    kind: Literal["investigate"]
    budget: Annotated[int, Field(ge=2, le=4)]
    enough: Annotated[int, Field(ge=1, le=2)] = 1
    moves: Annotated[list[Move], Field(min_length=3, max_length=6)]
    feedback: Wording

    @model_validator(mode="after")
    def _menu_is_sound(self) -> InvestigateStep:
        tools = [move.tool for move in self.moves]
        if len(set(tools)) != len(tools):
            raise ValueError("each tool appears once in an investigate step")
        if self.budget >= len(self.moves):
            raise ValueError("the budget must be smaller than the number of tools (choose)")
        evidence = [move for move in self.moves if move.evidence]
        if sum(move.tool.lateral for move in evidence) < self.enough:
            raise ValueError(f"at least {self.enough} lateral move(s) must bring evidence")
        if len(evidence) == len(self.moves):
            raise ValueError("at least one move must bring no evidence (a real choice)")
        return self

    def move(self, tool: Tool) -> Move | None:
        """The move for that tool, or None when this step's menu does not offer it."""
        return next((move for move in self.moves if move.tool is tool), None)


Step = Annotated[
    VerdictStep | ChoiceStep | OpenStep | ShareStep | InvestigateStep,
    Field(discriminator="kind"),
]


class Resource(Strict):
    title: str
    url: Annotated[str, Field(pattern=r"^https://")]


class Scenario(Strict):
    """One item and 3–5 steps, a debrief and what a fact-checker would do."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    title: Wording
    kind: Kind
    level: Level
    difficulty: Difficulty
    minutes: Annotated[int, Field(ge=1, le=10)]
    competences: Annotated[list[str], Field(min_length=2)]
    emotion: Wording
    item: Item
    steps: Annotated[list[Step], Field(min_length=3, max_length=6)]
    debrief: Wording
    fact_checker: Wording
    resources: Annotated[list[Resource], Field(min_length=1, max_length=3)]

    @model_validator(mode="after")
    def _steps_are_sound(self) -> Scenario:
        ids = [step.id for step in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError("step ids must be unique")
        kinds = {step.kind for step in self.steps}
        if "verdict" not in kinds or "open" not in kinds:
            raise ValueError("a scenario needs at least one verdict step and one open step")
        if self.steps[0].kind != "open":
            raise ValueError(
                "the first step must be the open step (asked before any feedback lists the checks)"
            )
        kinds_in_order = [step.kind for step in self.steps]
        if "investigate" in kinds_in_order and kinds_in_order.index(
            "investigate"
        ) > kinds_in_order.index("verdict"):
            raise ValueError("the investigate step comes before the verdict step")
        if kinds_in_order.count("investigate") > 1:
            raise ValueError("a scenario has one investigate step")
        if not any(code.startswith("CRCN") for code in self.competences):
            raise ValueError("competences need a CRCN code (e.g. 'CRCN 1.1')")
        if not any(code.startswith("DigComp") for code in self.competences):
            raise ValueError("competences need a DigComp code (e.g. 'DigComp 1.2')")
        return self

    def step(self, step_id: str) -> Step:
        """The step with that id (KeyError when the scenario has none)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


class QuizItem(Strict):
    """One 'fiable ou pas ?' item: a text and a neutral source line (who, where, when), decided
    by reasoning and checking (the `cue` reflex), never by its style; the explanation judges."""

    id: Annotated[str, Field(pattern=r"^[abc][0-9]{2}$")]
    kind: Kind
    difficulty: Difficulty
    cue: Criterion
    text: Wording
    source: Annotated[str, Field(min_length=1)]
    reliable: bool
    explanation: Wording

    def parallel_key(self) -> tuple[Kind, Difficulty, bool, Criterion]:
        """What the items at one position of every form share."""
        return (self.kind, self.difficulty, self.reliable, self.cue)


QuizForm = Annotated[list[QuizItem], Field(min_length=18, max_length=22)]


class Quiz(Strict):
    """Three parallel forms: pre-test, post-test and delayed re-test (issue 17).

    Each form is half reliable; its ids are its letter and the position (a01, a02…); item i of
    every form shares kind, difficulty, reliability and cue, so only the content differs."""

    form_a: QuizForm
    form_b: QuizForm
    form_c: QuizForm

    @property
    def forms(self) -> dict[str, list[QuizItem]]:
        """The forms by letter, in order: {"a": form_a, "b": form_b, "c": form_c}."""
        return {"a": self.form_a, "b": self.form_b, "c": self.form_c}

    @model_validator(mode="after")
    def _forms_are_parallel(self) -> Quiz:
        forms = self.forms
        for letter, form in forms.items():
            if sum(item.reliable for item in form) * 2 != len(form):
                raise ValueError(f"form_{letter} must be half reliable, half not")
            for position, item in enumerate(form, start=1):
                if item.id != f"{letter}{position:02d}":
                    raise ValueError(
                        f"form_{letter}: item {position} has id '{item.id}',"
                        f" expected '{letter}{position:02d}'"
                    )
        if len({len(form) for form in forms.values()}) != 1:
            raise ValueError("the forms must have the same number of items")
        for items in zip(*forms.values(), strict=True):
            if len({item.parallel_key() for item in items}) != 1:
                ids = ", ".join(item.id for item in items)
                raise ValueError(f"items {ids} must share kind, difficulty, reliability and cue")
        return self
