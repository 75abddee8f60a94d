"""The « fiable ou pas ? » quiz is an instrument: three parallel forms, half reliable, whose
positions match across forms, and whose items stay outside the scenarios' fictional world."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from scenarios.loader import CATALOGUE_DIR, QUIZ_FILE, CatalogueError, load_catalogue, load_quiz
from scenarios.schema import Quiz

Edit = Callable[[dict], None]


def shipped() -> Quiz:
    quiz = load_quiz(QUIZ_FILE)
    assert quiz is not None
    return quiz


def test_the_shipped_quiz_has_three_forms_of_about_twenty_items_half_reliable() -> None:
    for letter, form in shipped().forms.items():
        assert 18 <= len(form) <= 22
        assert sum(item.reliable for item in form) * 2 == len(form)
        assert [item.id for item in form] == [f"{letter}{n:02d}" for n in range(1, len(form) + 1)]


def test_each_position_shares_kind_difficulty_reliability_and_cue_across_forms() -> None:
    forms = shipped().forms
    for a, b, c in zip(forms["a"], forms["b"], forms["c"], strict=True):
        assert a.parallel_key() == b.parallel_key() == c.parallel_key(), (a.id, b.id, c.id)


def test_no_cue_gives_the_answer_away() -> None:
    """Each cue (the deciding reflex) decides as many reliable as not-reliable items."""
    form = shipped().form_a
    for cue in {item.cue for item in form}:
        answers = [item.reliable for item in form if item.cue is cue]
        assert answers.count(True) == answers.count(False), cue


def write_edited(tmp_path: Path, edit: Edit) -> Path:
    data = yaml.safe_load(QUIZ_FILE.read_text(encoding="utf-8"))
    edit(data)
    file = tmp_path / "quiz.yml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return file


def swap_first_two(form: list[dict]) -> None:
    form[0], form[1] = form[1], form[0]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["form_b"][4].update(cue="URL"), "items a05, b05, c05 must share"),
        (lambda d: d["form_c"][2].update(difficulty="difficile"), "items a03, b03, c03 must share"),
        (lambda d: d["form_c"][2].update(reliable=False), "form_c must be half reliable"),
        (lambda d: swap_first_two(d["form_b"]), "form_b: item 1 has id 'b02', expected 'b01'"),
        (lambda d: d.update(form_c=d["form_c"][:18]), "the forms must have the same number"),
        (lambda d: d.pop("form_c"), "form_c: Field required"),
        (lambda d: d["form_a"][0].pop("cue"), "form_a.0.cue: Field required"),
        (lambda d: d["form_a"][0].update(cue="COULEUR"), "form_a.0.cue: Input should be"),
        (lambda d: d["form_a"][0].update(id="d01"), "form_a.0.id: String should match"),
        (lambda d: d.update(form_a=d["form_a"][:16]), "form_a: List should have at least 18"),
    ],
)
def test_the_validator_refuses_forms_that_are_not_parallel(
    tmp_path: Path, edit: Edit, expected: str
) -> None:
    with pytest.raises(CatalogueError) as error:
        load_quiz(write_edited(tmp_path, edit))
    assert any(expected in problem for problem in error.value.problems), error.value.problems


def catalogue_names() -> set[str]:
    """Who and where the scenarios' items come from: the proper names of each author line
    (« Nadia Roussel, Le Courrier du Lez » → both), each handle and each site's host."""
    names: set[str] = set()
    for scenario in load_catalogue(CATALOGUE_DIR, QUIZ_FILE).scenarios.values():
        item = scenario.item
        for part in re.split(r"[,—()«»]", item.author):
            words = re.sub(r"[^\w\s'’&.-]", " ", part).split()
            while words and not words[0][0].isupper():  # « de l'appli Clipzy » → Clipzy
                words.pop(0)
            if len(" ".join(words)) >= 3:
                names.add(" ".join(words))
        if item.handle:
            names.add(item.handle.lstrip("@"))
        if item.url:
            names.add(re.sub(r"^https?://", "", item.url).split("/")[0])
    return names


def test_quiz_items_stay_outside_the_scenarios_world() -> None:
    quiz_text = "\n".join(
        " ".join([item.source, item.text.fr, item.text.falc or "", item.explanation.fr])
        for form in shipped().forms.values()
        for item in form
    ).lower()
    echoed = [
        name
        for name in sorted(catalogue_names())
        if re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", quiz_text)
    ]
    assert not echoed, f"the quiz names outlets, accounts or people of the scenarios: {echoed}"
