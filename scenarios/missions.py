"""Typed schema, loader and content checks of « Dans la peau du manipulateur » (issue 17): the
missions (missions.yml) and the vocabulary of manipulation techniques (techniques.yml).

Describes and validates data only; holds no learner-facing French, and never lets a mission
piece be anything but a picture stamped « EXERCICE » (its words live in the card data alone).
"""

from __future__ import annotations

import re
import string
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, RootModel, model_validator

from scenarios import rules
from scenarios.loader import Catalogue
from scenarios.schema import Strict, Wording
from vigie.data_files import DataFileError, DataModel, load_yaml, require_every

SCENARIOS_DIR = Path(__file__).resolve().parent
MISSIONS_FILE = SCENARIOS_DIR / "missions.yml"
TECHNIQUES_FILE = SCENARIOS_DIR / "techniques.yml"
MISSIONS_NAME = "missions.yml"
ALT_PREFIX = "Exercice : "
RECOGNITION_QUESTIONS = 2
LABEL_MAX = 40  # a button on a phone screen
COMMENT_MAX = 120


class Technique(StrEnum):
    """The manipulation techniques a mission lets the learner try (codes only)."""

    EMOTION = "emotion"
    FAKE_EXPERT = "fake_expert"
    IMPERSONATION = "impersonation"
    CONSPIRACY = "conspiracy"
    DISCREDITING = "discrediting"
    POLARISATION = "polarisation"


class TechniqueEntry(DataModel):
    """A technique as the scenarios' debriefs name it, defined in one line, and typed."""

    name: Annotated[str, Field(min_length=3)]
    definition: Annotated[str, Field(min_length=10, max_length=rules.FEEDBACK_MAX)]
    words: Annotated[list[str], Field(min_length=1)]


class Techniques(RootModel[dict[Technique, TechniqueEntry]]):
    @model_validator(mode="after")
    def _every_technique(self) -> Techniques:
        require_every(Technique, self.root, "techniques missing")
        return self


class Reaction(Strict):
    """How the fictional audience reacts to one choice (scripted, never computed)."""

    likes: Annotated[int, Field(ge=0, le=100_000)]
    shares: Annotated[int, Field(ge=0, le=100_000)]
    comments: Annotated[list[Annotated[str, Field(max_length=COMMENT_MAX)]], Field(min_length=1)]


class MissionCard(Strict):
    """The post as built so far, drawn as a picture stamped « EXERCICE — contenu fictif »; the
    alt text describes it neutrally and never quotes it."""

    file: Annotated[str, Field(pattern=r"^mission_[a-z0-9_]+\.png$")]
    alt: Annotated[str, Field(min_length=30)]
    data: dict[str, object] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _neutral_alt(self) -> MissionCard:
        if not self.alt.startswith(ALT_PREFIX):
            raise ValueError(f"the alt text starts with « {ALT_PREFIX.strip()} »")
        body = str(self.data.get("body") or "")
        if body and body in self.alt:
            raise ValueError("the alt text describes the post, it never quotes it")
        return self


class MissionChoice(Strict):
    technique: Technique
    label: Wording
    card: MissionCard
    reaction: Reaction

    @model_validator(mode="after")
    def _short_label(self) -> MissionChoice:
        for text in (self.label.fr, self.label.falc or ""):
            if len(text) > LABEL_MAX:
                raise ValueError(f"label « {text} » is over {LABEL_MAX} characters")
        return self


class MissionTurn(Strict):
    """One building turn: a prompt and 2–3 choices, each a different technique."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    prompt: Wording
    choices: Annotated[list[MissionChoice], Field(min_length=2, max_length=3)]

    @model_validator(mode="after")
    def _distinct_techniques(self) -> MissionTurn:
        codes = [choice.technique for choice in self.choices]
        if len(set(codes)) != len(codes):
            raise ValueError("each choice of a turn is a different technique")
        return self


class Recognition(Strict):
    """« Quelle technique ? » on a new mini-example: three techniques, one right."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    example: Wording
    options: Annotated[list[Technique], Field(min_length=3, max_length=3)]
    answer: Technique
    explanation: Wording

    @model_validator(mode="after")
    def _answer_offered(self) -> Recognition:
        if len(set(self.options)) != len(self.options):
            raise ValueError("the options are three different techniques")
        if self.answer not in self.options:
            raise ValueError("the answer is one of the options")
        return self


class Mission(Strict):
    """A harmless fictional topic, 3–4 building turns, the takedown and two recognitions: with
    the pick and the two answers, 6 or 7 learner turns."""

    id: Annotated[str, Field(pattern=r"^mission_[a-z0-9_]+$", max_length=64)]
    title: Wording
    pitch: Wording
    turns: Annotated[list[MissionTurn], Field(min_length=3, max_length=4)]
    takedown: Annotated[Wording, Field(description="what was really true, and the reflex")]
    recognition: Annotated[
        list[Recognition],
        Field(min_length=RECOGNITION_QUESTIONS, max_length=RECOGNITION_QUESTIONS),
    ]

    @model_validator(mode="after")
    def _unique_ids(self) -> Mission:
        ids = [turn.id for turn in self.turns] + [question.id for question in self.recognition]
        if len(set(ids)) != len(ids):
            raise ValueError("turn and question ids must be unique")
        return self


# The mission screens and the variables each may use (str.format fields).
SCREEN_FIELDS: dict[str, frozenset[str]] = {
    "pick": frozenset(),
    "intro": frozenset({"title", "pitch", "turns"}),
    "turn": frozenset({"number", "count", "prompt"}),
    "card": frozenset({"alt"}),
    "reaction": frozenset({"likes", "shares", "comments"}),
    "takedown": frozenset({"takedown"}),
    "technique": frozenset({"name", "definition"}),
    "recognition_intro": frozenset({"count"}),
    "recognition": frozenset({"number", "count", "example"}),
    "right": frozenset({"name", "explanation"}),
    "wrong": frozenset({"name", "explanation"}),
    "done": frozenset({"right", "count"}),
    "help": frozenset(),
    "resume": frozenset({"title"}),
}


class Screens(RootModel[dict[str, Wording]]):
    @model_validator(mode="after")
    def _known_fields(self) -> Screens:
        missing = sorted(set(SCREEN_FIELDS) - set(self.root))
        if missing:
            raise ValueError(f"screens missing: {', '.join(missing)}")
        for name, wording in self.root.items():
            allowed = SCREEN_FIELDS.get(name)
            if allowed is None:
                raise ValueError(f"unknown screen '{name}'")
            for text in (wording.fr, wording.falc or ""):
                used = {field for _, field, _, _ in string.Formatter().parse(text) if field}
                if used - allowed:
                    raise ValueError(f"screen '{name}' uses {sorted(used - allowed)}")
        return self

    def say(self, screen: str, plain: bool, /, **variables: object) -> str:
        return self.root[screen].text(plain).format(**variables)


class Missions(Strict):
    """missions.yml: the screens of the mode and at least four missions."""

    stamp: Annotated[str, Field(pattern=r"^EXERCICE\b")]
    screens: Screens
    missions: Annotated[list[Mission], Field(min_length=4)]

    @model_validator(mode="after")
    def _unique(self) -> Missions:
        ids = [mission.id for mission in self.missions]
        if len(set(ids)) != len(ids):
            raise ValueError("mission ids must be unique")
        files = [card.file for mission in self.missions for card in cards(mission)]
        if len(set(files)) != len(files):
            raise ValueError("card files must be unique")
        return self

    def get(self, mission_id: str) -> Mission | None:
        return next((m for m in self.missions if m.id == mission_id), None)


def cards(mission: Mission) -> list[MissionCard]:
    return [choice.card for turn in mission.turns for choice in turn.choices]


def load_missions(file: Path = MISSIONS_FILE) -> Missions:
    return load_yaml(file, Missions)


def load_techniques(file: Path = TECHNIQUES_FILE) -> dict[Technique, TechniqueEntry]:
    return load_yaml(file, Techniques).root


@cache
def default_missions() -> Missions:
    return load_missions()


@cache
def techniques() -> dict[Technique, TechniqueEntry]:
    return load_techniques()


# ----- content checks for `vigie scenarios validate` -------------------------------------------


def _folded(text: str) -> str:
    """Accents, case, guillemets and spacing aside: how a name is looked for in a debrief."""
    bare = re.sub(r"[«»\"“”]", " ", rules.fold_accents(text).lower())
    return " ".join(bare.split())


def debrief_texts(catalogue: Catalogue) -> list[str]:
    """Every debrief and « ce que ferait un·e fact-checker » text, plain versions included."""
    return [
        _folded(text)
        for scenario in catalogue.scenarios.values()
        for wording in (scenario.debrief, scenario.fact_checker)
        for text in (wording.fr, wording.falc or "")
        if text
    ]


def technique_problems(
    vocabulary: dict[Technique, TechniqueEntry], catalogue: Catalogue
) -> list[str]:
    """A technique's name must be the one the scenarios' debriefs use."""
    found = debrief_texts(catalogue)
    return [
        f"techniques.yml: {code.value}.name: « {entry.name} » appears in no scenario's debrief "
        "or fact_checker text (name it as the debriefs do)"
        for code, entry in vocabulary.items()
        if not any(_folded(entry.name) in text for text in found)
    ]


def mission_problems(missions: Missions, catalogue: Catalogue) -> list[str]:
    """The fictional-world rules of the scenarios (scenarios/rules.py), on every mission text:
    reserved addresses, names to avoid, feedback length and openers, plain versions."""
    problems = [
        f"{MISSIONS_NAME}: missions.{index}.id: '{mission.id}' is also a scenario id"
        for index, mission in enumerate(missions.missions)
        if catalogue.get(mission.id) is not None
    ]
    every = list(rules.texts(MISSIONS_NAME, missions))
    feedback = [
        t
        for t in every
        if ".explanation." in t.path or t.path.endswith(".explanation") or ".comments." in t.path
    ]
    problems += rules.address_problems(every, in_item=True)
    problems += rules.name_problems(every, every)
    problems += rules.feedback_problems(feedback)
    problems += rules.point_median_problems(every)
    for index, mission in enumerate(missions.missions):
        for text in rules.texts(MISSIONS_NAME, mission.takedown, f"missions.{index}.takedown"):
            if len(text.text) > rules.DEBRIEF_MAX:
                problems.append(
                    text.problem(f"{len(text.text)} characters (at most {rules.DEBRIEF_MAX})")
                )
    return problems


def problems(catalogue: Catalogue) -> list[str]:
    """Every problem of the missions and the techniques (schema first, then content)."""
    try:
        missions, vocabulary = load_missions(), load_techniques()
    except DataFileError as error:
        return error.problems
    return [*technique_problems(vocabulary, catalogue), *mission_problems(missions, catalogue)]
