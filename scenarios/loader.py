"""Loads and validates the scenario files and the quiz, reporting `file: path.to.field: error`.

Never guesses: an invalid file is an error for the caller, not a skipped scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scenarios.schema import Quiz, Scenario
from vigie.data_files import DataFileError, file_label, load_yaml

SCENARIOS_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = SCENARIOS_DIR / "catalogue"
IMAGES_DIR = SCENARIOS_DIR / "images"
QUIZ_FILE = SCENARIOS_DIR / "quiz.yml"


# The catalogue's files fail like every data file: one `file: path.to.field: what` line each.
CatalogueError = DataFileError


@dataclass(frozen=True)
class Catalogue:
    scenarios: dict[str, Scenario]
    quiz: Quiz | None

    def get(self, scenario_id: str) -> Scenario | None:
        return self.scenarios.get(scenario_id)


def load_scenario(file: Path) -> Scenario:
    """Parse one scenario file; its id must match its file name."""
    scenario = load_yaml(file, Scenario)
    if scenario.id != file.stem:
        raise CatalogueError([f"{file_label(file)}: id: must match the file name '{file.stem}'"])
    return scenario


def load_quiz(file: Path) -> Quiz | None:
    if not file.exists():
        return None
    return load_yaml(file, Quiz)


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
