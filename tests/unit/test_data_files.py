"""One YAML loader (vigie/data_files.py): every data file of actions/, scenarios/, api/, bot/ and
tools/ is validated against its model, and a broken one says `file: path.to.field: what`.

Broken files are written to tmp_path; the shipped files are only read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from actions.answer_parsing import AnswerWords
from actions.engine import Reflexes
from actions.investigation import InvestigationTools
from actions.scoring import CriteriaFile
from actions.verdicts import VerdictScale
from api.reports.labels import EducatorLabels
from api.web.messages import ApiMessages
from bot.messages import BotMessages, load_messages
from scenarios.rules import AvoidNames, JudgingWords
from scenarios.stats import StatsLabels
from tools.cards.drawing import RenderLabels
from tools.evaluate_scoring import LabelledSet
from vigie.data_files import DataFileError, file_label, load_yaml

ROOT = Path(__file__).resolve().parents[2]
Edit = Callable[[Any], None]


def _drop(*path: str) -> Edit:
    def edit(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        del data[path[-1]]

    return edit


def _set(value: object, *path: Any) -> Edit:
    def edit(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return edit


EDUCATOR_FR = "api/reports/educator_fr.yml"
TOOLS = "actions/investigation_tools.yml"

# (shipped file, its model, a mistake, what the problem line must say after the file name)
CASES: list[tuple[str, type[BaseModel], Edit, str]] = [
    ("actions/answer_words.yml", AnswerWords, _set(["x"], "menu", "quizz"), "menu.quizz.[key]: "),
    ("actions/answer_words.yml", AnswerWords, _set(True, "fillers", 0), "fillers.0: Input should"),
    (TOOLS, InvestigationTools, _set("LATERL", "tools", "search", "reflex"), "tools.search.reflex"),
    (TOOLS, InvestigationTools, _drop("tools", "inspect"), "(root): Value error, tools missing"),
    ("actions/verdict_scale.yml", VerdictScale, _drop("satire"), "(root): Value error, the scale"),
    ("actions/criteria.yml", CriteriaFile, _set("3", "negation", "subjects"), "negation.subjects:"),
    ("actions/criteria.yml", CriteriaFile, _set({}, "criteria", "SORCE"), "criteria.SORCE.[key]"),
    ("scenarios/reflexes.yml", Reflexes, _drop("SOURCE", "badge"), "SOURCE.badge: Field required"),
    ("scenarios/stats_labels.yml", StatsLabels, _drop("legend"), "legend: Field required"),
    ("scenarios/judging_words.yml", JudgingWords, _set([], "judgin"), "judgin: Extra inputs"),
    ("scenarios/avoid_names.yml", AvoidNames, _set(None, "in_items"), "in_items: Input should"),
    (EDUCATOR_FR, EducatorLabels, _drop("months", 11), "months: List should have"),
    (EDUCATOR_FR, EducatorLabels, _drop("csv", "class"), "csv.class: Field required"),
    ("api/web/messages.yml", ApiMessages, _drop("unavailable", "text"), "unavailable.text: Field"),
    ("bot/messages.yml", BotMessages, _drop("commands", "aide"), "commands.aide: Field required"),
    ("tools/cards/render_labels.yml", RenderLabels, _drop("number", "million"), "number.million:"),
    ("tests/scoring/dev.yml", LabelledSet, _set(["SORCE"], "answers", 0, "criteria"), "answers.0."),
]
IDS = [f"{file}:{expected.split(':')[0]}" for file, _, _, expected in CASES]


SHIPPED = dict.fromkeys((file, model) for file, model, _, _ in CASES)


@pytest.mark.parametrize(("file", "model"), SHIPPED, ids=[file for file, _ in SHIPPED])
def test_the_shipped_file_fits_its_model(file: str, model: type[BaseModel]) -> None:
    load_yaml(ROOT / file, model)


@pytest.mark.parametrize(("file", "model", "edit", "expected"), CASES, ids=IDS)
def test_a_broken_file_names_the_file_the_field_and_the_problem(
    tmp_path: Path, file: str, model: type[BaseModel], edit: Edit, expected: str
) -> None:
    data = yaml.safe_load((ROOT / file).read_text(encoding="utf-8"))
    edit(data)
    broken = tmp_path / Path(file).name
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_yaml(broken, model)
    assert any(line.startswith(f"{broken.name}: {expected}") for line in error.value.problems), (
        error.value.problems
    )


def test_every_problem_of_a_file_is_listed_at_once(tmp_path: Path) -> None:
    broken = tmp_path / "reflexes.yml"
    broken.write_text("SOURCE: {label: l, badge: b}\nDATE: {label: l, tip: t, colour: red}\n")
    with pytest.raises(DataFileError) as error:
        load_yaml(broken, Reflexes)
    assert error.value.problems == [
        "reflexes.yml: SOURCE.tip: Field required",
        "reflexes.yml: DATE.badge: Field required",
        "reflexes.yml: DATE.colour: Extra inputs are not permitted",
    ]
    assert str(error.value) == "\n".join(error.value.problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "verdict_scale.yml: (root): cannot be read: No such file or directory"),
        (b"", "verdict_scale.yml: (root): Input should be a valid dictionary"),
        (b"- vrai\n- faux\n", "verdict_scale.yml: (root): Input should be a valid dictionary"),
        (b"vrai: [x\nfaux: y\n", "verdict_scale.yml: line 2, column 5: invalid YAML: expected ','"),
        (b"vrai: \xff\xfe\n", "verdict_scale.yml: (root): unreadable YAML: UnicodeDecodeError"),
        (b"vrai: !!int '0x'\n", "verdict_scale.yml: (root): unreadable YAML: ValueError"),
    ],
    ids=["missing", "empty", "a list", "bad YAML", "bad UTF-8", "hostile tag"],
)
def test_an_unreadable_file_is_a_data_file_error(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    file = tmp_path / "verdict_scale.yml"
    if content is not None:
        file.write_bytes(content)
    with pytest.raises(DataFileError) as error:
        load_yaml(file, VerdictScale)
    (problem,) = error.value.problems
    assert problem.startswith(expected), problem


def test_a_word_that_yaml_reads_as_a_boolean_is_refused(tmp_path: Path) -> None:
    """`on`, `yes`, `no` unquoted are booleans in YAML: a word list must quote them."""
    file = tmp_path / "judging_words.yml"
    file.write_text("judging: [faux, no]\nopeners: [oui]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"judging_words.yml: judging.1: Input should be"):
        load_yaml(file, JudgingWords)


def test_a_file_of_the_repository_is_named_by_its_path_in_it(tmp_path: Path) -> None:
    assert file_label(ROOT / "api" / "web" / "messages.yml") == "api/web/messages.yml"
    assert file_label(ROOT / "bot" / "messages.yml") == "bot/messages.yml"
    assert file_label(tmp_path / "messages.yml") == "messages.yml"


def test_the_bridge_refuses_to_start_on_a_message_file_missing_a_message(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "bot" / "messages.yml").read_text(encoding="utf-8"))
    del data["rate_limited"]
    broken = tmp_path / "messages.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"^messages.yml: rate_limited: Field required$"):
        load_messages(broken)
