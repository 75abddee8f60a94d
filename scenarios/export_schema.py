"""Writes the JSON Schemas of scenario and quiz files next to them, for editors and reviewers.

Generated from `scenarios.schema`; never edited by hand (a test checks they are current).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from scenarios.loader import SCENARIOS_DIR
from scenarios.schema import Quiz, Scenario

SCHEMAS: dict[str, type[BaseModel]] = {
    "scenario.schema.json": Scenario,
    "quiz.schema.json": Quiz,
}


def render(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"


def main(directory: Path = SCENARIOS_DIR) -> None:
    for name, model in SCHEMAS.items():
        (directory / name).write_text(render(model), encoding="utf-8")


if __name__ == "__main__":
    main()
