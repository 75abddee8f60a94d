"""`vigie scenarios audit`: each figure on small catalogues, then the shipped one within limits.

The last test fails until the catalogue and the quiz meet every limit (issue 12): it is the
check `make test` runs on the content.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from scenarios import audit
from scenarios.schema import QuizItem, Wording
from scenarios.surface import (
    Sample,
    balanced_accuracy,
    leave_one_out,
    naive_bayes_trainer,
    surface_accuracy,
)
from tests.scenarios.synthetic import catalogue, scenario
from vigie.settings import PROJECT_ROOT


def figure(section: audit.Section, label: str) -> audit.Figure:
    return next(f for f in section.figures if f.label.startswith(label))


@pytest.mark.slow
def test_the_shipped_catalogue_and_quiz_are_within_every_limit() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "scenarios", "audit"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Quiz form_a" in result.stdout and "Quiz form_b" in result.stdout


# ----- the surface-cue classifier --------------------------------------------------------------


def samples(reliable_text: str, other_text: str, n: int = 8) -> list[Sample]:
    return [Sample(reliable_text, "Compte A", True) for _ in range(n)] + [
        Sample(other_text, "Compte A", False) for _ in range(n)
    ]


def test_a_style_that_gives_the_answer_away_is_caught() -> None:
    shouting = samples("La piscine ferme lundi.", "LA PISCINE FERME LUNDI !!! 😱")
    scores = surface_accuracy(shouting)
    assert scores["threshold on « ! » count"] == 1.0
    assert scores["threshold on capitals ratio"] == 1.0
    assert not audit.surface_figure(shouting).ok


def test_source_words_that_give_the_answer_away_are_caught() -> None:
    lines = [Sample("Texte.", f"Mairie de Lez {n}", True) for n in range(6)] + [
        Sample("Texte.", f"InfoBuzz {n}", False) for n in range(6)
    ]
    assert leave_one_out(lines, naive_bayes_trainer) == 1.0


def test_the_same_style_on_both_sides_is_not_predictive() -> None:
    mixed = [
        Sample(text, source, reliable)
        for reliable in (True, False)
        for text, source in [
            ("URGENT !! La route est coupée 😱", "Lou du 3e"),
            ("La route est coupée ce matin.", "Journal de Lez"),
            ("Ferme lundi !", "Compte du club"),
            ("Fermé lundi, réouverture mardi.", "Lou du 3e"),
        ]
    ]
    assert audit.surface_figure(mixed).ok
    assert max(surface_accuracy(mixed).values()) <= 0.5


def test_balanced_accuracy_does_not_reward_the_majority_answer() -> None:
    truth = [True] * 3 + [False] * 9
    assert balanced_accuracy(truth, [False] * 12) == 0.5


# ----- the catalogue's figures -------------------------------------------------------------------


def with_share(scenario_id: str, partager: bool, attendre: bool) -> dict:
    data = scenario(scenario_id)
    for option in data["steps"][3]["options"]:
        option["good"] = {"partager": partager, "attendre": attendre}.get(option["choice"], False)
    if not (partager or attendre):
        data["steps"][3]["options"][2]["good"] = True
    return data


def test_share_balance(tmp_path: Path) -> None:
    urgent = [with_share(f"u{n}", partager=True, attendre=False) for n in range(3)]
    calm = [with_share("c0", partager=True, attendre=True)]
    section = audit.catalogue_section(list(catalogue(tmp_path, *urgent, *calm).scenarios.values()))
    assert figure(section, "share steps where sharing is good").ok
    assert figure(section, "…of which waiting is not good").ok
    assert figure(section, "share steps where waiting is good").ok

    waiting_everywhere = [with_share(f"w{n}", partager=False, attendre=True) for n in range(4)]
    loaded = catalogue(tmp_path / "w", *waiting_everywhere)
    section = audit.catalogue_section(list(loaded.scenarios.values()))
    assert not figure(section, "share steps where sharing is good").ok
    assert not figure(section, "share steps where waiting is good").ok


def test_positions_longest_and_judging_words_are_reported(tmp_path: Path) -> None:
    judged = scenario("juge")
    judged["item"]["text"] = {"fr": "Un compte anonyme l'affirme."}
    loaded = catalogue(tmp_path, scenario("s1"), scenario("s2"), judged)
    section = audit.catalogue_section(list(loaded.scenarios.values()))
    positions = figure(section, "right option by stored position")
    assert positions.value == "a 100%" and not positions.ok
    longest = figure(section, "right option is the longest")
    assert longest.value == "0 of 3 (0%)" and longest.ok
    assert figure(section, "judging words before the verdict").value == "1"
    assert section.details == [
        "juge.yml: item.text.fr: judging word « anonyme » before the verdict "
        "(describe; let feedback judge)"
    ]
    assert not section.ok


def test_feedback_lengths(tmp_path: Path) -> None:
    long = scenario("long")
    long["steps"][1]["feedback_wrong"] = "Une phrase. " * 20
    section = audit.catalogue_section(list(catalogue(tmp_path, long).scenarios.values()))
    lengths = figure(section, "feedback lengths")
    assert "max 240 characters, 1 over 200" in lengths.value and not lengths.ok


# ----- the quiz forms ----------------------------------------------------------------------------


def quiz_item(number: int, reliable: bool, text: str = "Le club ouvre samedi.") -> QuizItem:
    return QuizItem.model_construct(
        id=f"c{number:02d}",
        text=Wording(fr=text, falc=text),
        source="Club de judo",
        reliable=reliable,
        explanation=Wording(fr="Le club le confirme sur son site.", falc="Le club le dit."),
    )


class ThreeForms(BaseModel):
    form_a: list[QuizItem]
    form_b: list[QuizItem]
    form_c: list[QuizItem]


def test_every_quiz_form_gets_its_figures() -> None:
    answers = [True, True, True, False, True, False, False, False]
    form = [quiz_item(n, reliable) for n, reliable in enumerate(answers)]
    quiz = ThreeForms.model_construct(form_a=form, form_b=form, form_c=form)
    sections = [audit.form_section(name, items) for name, items in vars(quiz).items()]
    assert [s.title.split(":")[0] for s in sections] == [
        "Quiz form_a",
        "Quiz form_b",
        "Quiz form_c",
    ]
    section = sections[2]
    assert figure(section, "reliable share, first half / second half").value == "75% / 25%"
    assert figure(section, "longest run of the same answer").value == "3"
    assert figure(section, "readability").value.startswith("Kandel–Moles fr ")
    assert figure(section, "judging words before the verdict").ok


def test_the_report_says_which_sections_are_outside_the_limits(tmp_path: Path) -> None:
    loaded = catalogue(tmp_path, scenario("s1"))
    text, ok = audit.report(loaded)
    assert not ok and text.endswith("Outside the limits: Catalogue.")
    assert "✗ right option by stored position: a 100%" in text
