"""The one reader of the project's YAML data files: parse, validate with a pydantic model of the
file's shape, and say every problem as `file: path.to.field: what` (one DataFileError).

Never returns data that does not fit its model, and never lets a parser failure escape as
anything but a DataFileError.
"""

from __future__ import annotations

from collections.abc import Container
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DataModel(BaseModel):
    """The base of a data file's model: an unknown key is a mistake (a typo), not ignored; a
    number in a word list (`- 2`) is read as the word it is."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


Model = TypeVar("Model", bound=BaseModel)


def require_every(codes: type[StrEnum], keys: Container[object], what: str) -> None:
    """For a data model's validator: every member of `codes` is among `keys`, else a ValueError
    `what: a, b` naming the missing ones (a data file that forgot a tool, a technique…)."""
    missing = [code.value for code in codes if code not in keys]
    if missing:
        raise ValueError(f"{what}: {', '.join(missing)}")


class DataFileError(ValueError):
    """A data file is missing, unreadable or not of its shape; `problems` holds one line each,
    `file: path.to.field: what`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def file_label(path: Path) -> str:
    """How problems name a file: its path in the repository, or its bare name outside it."""
    resolved = path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    return path.name


def describe(path: Path, error: ValidationError) -> list[str]:
    """One `file: path.to.field: what` line per validation error."""
    lines = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"]) or "(root)"
        lines.append(f"{file_label(path)}: {location}: {problem['msg']}")
    return lines


def read_yaml(path: Path) -> object:
    """The file's data, not validated. Whatever makes it unreadable is a DataFileError: a missing
    file, invalid YAML, but also all that PyYAML lets escape on hostile input (bad UTF-8;
    ValueError for a date 2020-13-45 or `!!int "0x"`; IndexError for an empty `!!int`;
    AttributeError for a `!!timestamp` that is none; RecursionError for deep nesting…), found by
    tests/security/test_loader_properties."""
    label = file_label(path)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as error:
        raise DataFileError([f"{label}: (root): cannot be read: {error.strerror}"]) from error
    except yaml.MarkedYAMLError as error:
        where = "(root)"
        if error.problem_mark is not None:
            where = f"line {error.problem_mark.line + 1}, column {error.problem_mark.column + 1}"
        what = (error.problem or str(error)) + (f" ({error.context})" if error.context else "")
        raise DataFileError([f"{label}: {where}: invalid YAML: {what}"]) from error
    except yaml.YAMLError as error:
        raise DataFileError([f"{label}: (root): invalid YAML: {error}"]) from error
    except Exception as error:  # any other parser failure: the file is unreadable, say so
        problem = f"{type(error).__name__}: {error}"
        raise DataFileError([f"{label}: (root): unreadable YAML: {problem}"]) from error


def load_yaml(path: Path, model: type[Model]) -> Model:
    """The file's data as `model`, or a DataFileError listing every problem at once."""
    raw = read_yaml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise DataFileError(describe(path, error)) from error
