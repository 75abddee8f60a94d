"""The catalogue validates, its JSON Schemas are current, and errors say where they are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scenarios.export_schema import SCHEMAS, render
from scenarios.loader import SCENARIOS_DIR, CatalogueError, load_catalogue
from vigie.settings import PROJECT_ROOT


@pytest.mark.slow
def test_the_shipped_catalogue_validates_with_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "scenarios", "validate"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "scenarios valid" in result.stdout


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_json_schemas_are_current(name: str) -> None:
    assert (SCENARIOS_DIR / name).read_text(encoding="utf-8") == render(SCHEMAS[name]), (
        "run `.venv/bin/python -m scenarios.export_schema`"
    )


def broken_copy(tmp_path: Path, edit) -> Path:
    source = SCENARIOS_DIR / "catalogue" / "annonce_mairie_college.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(data)
    directory = tmp_path / "catalogue"
    directory.mkdir()
    (directory / source.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.update(minutes=25), "annonce_mairie_college.yml: minutes: "),
        (
            lambda d: d["steps"][3]["options"][0].pop("feedback"),
            "steps.3.choice.options.0.feedback",
        ),
        (lambda d: d.update(id="other_id"), "annonce_mairie_college.yml: id: must match"),
        (lambda d: d["item"].update(verdict="peut-être"), "item.verdict"),
        (lambda d: d["item"].update(also_accepted=["faux"]), "other side"),
        (lambda d: d["steps"].reverse(), "first step must be the open step"),
    ],
)
def test_errors_name_the_file_and_the_field(tmp_path: Path, edit, expected: str) -> None:
    with pytest.raises(CatalogueError) as error:
        load_catalogue(broken_copy(tmp_path, edit), tmp_path / "no-quiz.yml")
    assert any(expected in problem for problem in error.value.problems), error.value.problems


@pytest.mark.slow
def test_the_action_server_refuses_to_start_on_an_invalid_file(tmp_path: Path) -> None:
    import os

    from tests.conftest import free_port

    directory = broken_copy(tmp_path, lambda d: d.update(minutes=25))
    result = subprocess.run(
        [sys.executable, "-m", "actions.server", "--port", str(free_port())],
        cwd=PROJECT_ROOT,
        env=os.environ
        | {
            "VIGIE_CATALOGUE_DIR": str(directory),
            "VIGIE_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "annonce_mairie_college.yml: minutes: " in result.stdout + result.stderr
