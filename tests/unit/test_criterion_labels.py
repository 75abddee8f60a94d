"""Every `Criterion` has its words in every data file that names criteria, and no file names one
that does not exist: a new reflex cannot ship with a blank badge, column or pattern list.

Finds the tables itself (any YAML mapping keyed by criterion codes), so a new file is checked
too. Reads the repository's files; never writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from scenarios.schema import Criterion

ROOT = Path(__file__).resolve().parents[2]
CODES = {criterion.value for criterion in Criterion}
SKIPPED_DIRS = {"models", "var", "test-artifacts", "node_modules"}
# The tables known today: the finder must at least see these.
KNOWN = {
    ("actions/criteria.yml", "criteria"),  # the scorer's patterns
    ("api/reports/educator_fr.yml", "criteria"),  # dashboard and CSV labels
    ("scenarios/reflexes.yml", ""),  # learner labels, badges, tips
    ("scenarios/stats_labels.yml", "criteria"),  # the educators' scenario table
}


def data_files() -> Iterator[Path]:
    for top in sorted(ROOT.iterdir()):
        if top.name.startswith(".") or top.name in SKIPPED_DIRS:
            continue
        if top.is_file() and top.suffix in (".yml", ".yaml"):
            yield top
        elif top.is_dir():
            yield from sorted(p for p in top.rglob("*.y*ml") if p.suffix in (".yml", ".yaml"))


def tables(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(path inside the file, mapping) for every mapping with two or more criterion keys."""
    if isinstance(node, dict):
        if len(CODES & {k for k in node if isinstance(k, str)}) >= 2:
            yield where, node
        for key, value in node.items():
            yield from tables(value, f"{where}.{key}".lstrip("."))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from tables(value, f"{where}.{index}".lstrip("."))


def criterion_tables() -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for path in data_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, table in tables(data):
            found[(path.relative_to(ROOT).as_posix(), where)] = table
    return found


TABLES = criterion_tables()


def blanks(node: Any, where: str) -> Iterator[str]:
    """Where `node` holds an empty text, list or mapping."""
    if isinstance(node, str):
        if not node.strip():
            yield where
    elif isinstance(node, dict | list):
        if not node:
            yield where
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            yield from blanks(value, f"{where}.{key}")
    elif node is None:
        yield where


def shape(entry: Any) -> object:
    """A label entry's shape: a text, or the keys of a mapping of texts; None if free-form."""
    if isinstance(entry, str):
        return "text"
    if isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values()):
        return tuple(sorted(entry))
    return None


def test_the_known_tables_are_found() -> None:
    assert set(TABLES) >= KNOWN


@pytest.mark.parametrize("table", sorted(TABLES), ids=lambda t: f"{t[0]}:{t[1] or '/'}")
def test_a_table_names_every_criterion_and_nothing_else(table: tuple[str, str]) -> None:
    names = set(TABLES[table])
    assert sorted(CODES - names) == [], "criteria without words"
    assert sorted(names - CODES) == [], "codes that are no Criterion"


@pytest.mark.parametrize("table", sorted(TABLES), ids=lambda t: f"{t[0]}:{t[1] or '/'}")
def test_every_criterion_has_all_its_words(table: tuple[str, str]) -> None:
    entries = TABLES[table]
    assert [b for code in sorted(CODES) for b in blanks(entries.get(code), code)] == []
    shapes = {code: shape(entries[code]) for code in CODES & set(entries)}
    if all(s is not None for s in shapes.values()):
        assert len(set(shapes.values())) == 1, shapes  # e.g. every reflex has a badge


@pytest.mark.parametrize("schema", sorted((ROOT / "scenarios").glob("*.schema.json")))
def test_the_json_schemas_list_exactly_the_criteria(schema: Path) -> None:
    definitions = json.loads(schema.read_text(encoding="utf-8"))["$defs"]
    assert definitions["Criterion"]["enum"] == [criterion.value for criterion in Criterion]
