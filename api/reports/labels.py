"""The French an educator reads outside templates, loaded once from `educator_fr.yml`.

Never holds French in Python: this module only reads the data file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, model_validator

from scenarios.schema import Criterion, Tool
from vigie.data_files import DataModel, load_yaml, require_every

LABELS_FILE = Path(__file__).resolve().parent / "educator_fr.yml"


class CriterionLabel(DataModel):
    short: str
    label: str


class CsvLabels(DataModel):
    columns: list[str]
    tables: dict[str, str]
    class_: Annotated[dict[str, str], Field(alias="class")]
    scenario: dict[str, str]
    all_scenarios: str
    quiz_parts: dict[str, str]
    discernment_margin: str
    investigation: dict[str, str]
    missions: dict[str, str]
    units: dict[str, str]
    withheld: str


class EducatorLabels(DataModel):
    """educator_fr.yml: the French an educator reads outside the templates."""

    criteria: dict[Criterion, CriterionLabel]
    quiz_measures: dict[str, str]
    tools: dict[Tool, str]
    csv: CsvLabels
    months: Annotated[list[str], Field(min_length=12, max_length=12)]
    qr_title: str

    @model_validator(mode="after")
    def _every_tool_named(self) -> EducatorLabels:
        require_every(Tool, self.tools, "tools without a label")
        return self


@cache
def labels() -> dict[str, Any]:
    return load_yaml(LABELS_FILE, EducatorLabels).model_dump(mode="json", by_alias=True)
