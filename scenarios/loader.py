"""Loads and validates the scenario files and the quiz, reporting `file: path.to.field: error`.

Never guesses: an invalid file is an error for the caller, not a skipped scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from scenarios.schema import Quiz, Scenario

SCENARIOS_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = SCENARIOS_DIR / "catalogue"
IMAGES_DIR = SCENARIOS_DIR / "images"
QUIZ_FILE = SCENARIOS_DIR / "quiz.yml"


class CatalogueError(Exception):
    """One or more scenario files are invalid; `problems` holds one line per error."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Catalogue:
    scenarios: dict[str, Scenario]
    quiz: Quiz | None

    def get(self, scenario_id: str) -> Scenario | None:
        return self.scenarios.get(scenario_id)


def _describe(file: Path, error: ValidationError) -> list[str]:
    lines = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"]) or "(root)"
        lines.append(f"{file.name}: {location}: {problem['msg']}")
    return lines


def _read_yaml(file: Path) -> object:
    """The file's data. Whatever makes it unreadable is a CatalogueError: invalid YAML, but also
    all that PyYAML lets escape on hostile input (bad UTF-8; ValueError for a date 2020-13-45
    or `!!int "0x"`; IndexError for an empty `!!int`; AttributeError for a `!!timestamp` that
    is none; RecursionError for deep nesting…), found by tests/security/test_loader_properties."""
    try:
        with file.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise CatalogueError([f"{file.name}: (root): invalid YAML: {error}"]) from error
    except Exception as error:  # any other parser failure: the file is unreadable, say so
        problem = f"{type(error).__name__}: {error}"
        raise CatalogueError([f"{file.name}: (root): unreadable YAML: {problem}"]) from error


def load_scenario(file: Path) -> Scenario:
    """Parse one scenario file; its id must match its file name."""
    raw = _read_yaml(file)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        raise CatalogueError(_describe(file, error)) from error
    if scenario.id != file.stem:
        raise CatalogueError([f"{file.name}: id: must match the file name '{file.stem}'"])
    return scenario


def load_quiz(file: Path) -> Quiz | None:
    if not file.exists():
        return None
    raw = _read_yaml(file)
    try:
        return Quiz.model_validate(raw)
    except ValidationError as error:
        raise CatalogueError(_describe(file, error)) from error


def load_catalogue(directory: Path = CATALOGUE_DIR, quiz_file: Path = QUIZ_FILE) -> Catalogue:
    """Every scenario of the directory, sorted by id; all errors of all files at once."""
    scenarios: dict[str, Scenario] = {}
    problems: list[str] = []
    for file in sorted(directory.glob("*.yml")):
        try:
            scenario = load_scenario(file)
        except CatalogueError as error:
            problems.extend(error.problems)
            continue
        scenarios[scenario.id] = scenario
    try:
        quiz = load_quiz(quiz_file)
    except CatalogueError as error:
        problems.extend(error.problems)
        quiz = None
    if problems:
        raise CatalogueError(problems)
    return Catalogue(scenarios=scenarios, quiz=quiz)


@cache
def default_catalogue() -> Catalogue:
    """The configured catalogue (the shipped one by default), loaded once per process."""
    from vigie.settings import VigieSettings

    return load_catalogue(VigieSettings().catalogue_dir or CATALOGUE_DIR)
