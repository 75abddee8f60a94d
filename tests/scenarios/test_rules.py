"""The content rules of `vigie scenarios validate`, each on a small catalogue in tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from scenarios import rules
from scenarios.schema import QuizItem, Wording
from tests.scenarios.synthetic import catalogue, edited, scenario


def problems_of(tmp_path: Path, edit) -> list[str]:
    return rules.problems(catalogue(tmp_path, edited(edit)))


def test_the_neutral_synthetic_scenario_has_no_problem(tmp_path: Path) -> None:
    assert rules.problems(catalogue(tmp_path, scenario())) == []


def item(**fields: Any):
    return lambda d: d["item"].update(fields)


def card(**data: Any):
    """The item's picture drawn from `data` (what the card shows)."""
    image = {"file": "x.png", "alt": "Une rue, des maisons et un arbre.", "template": "post"}
    return lambda d: d["item"].update(image=image | {"data": data})


def step(index: int, **fields: Any):
    return lambda d: d["steps"][index].update(fields)


def option(step_index: int, option_index: int, **fields: Any):
    return lambda d: d["steps"][step_index]["options"][option_index].update(fields)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # addresses: reserved domains only in an item; real tools may be named elsewhere
        (item(url="https://infoflash24.com/x"), "essai.yml: item.url: address 'infoflash24.com'"),
        (
            item(text="Va sur cadeaux-gratuits.win !"),
            "item.text.fr: address 'cadeaux-gratuits.win'",
        ),
        (item(text="Vérifié sur tineye.com"), "item.text.fr: address 'tineye.com'"),
        (item(text="Écris à aide@lezville.fr"), "item.text.fr: address 'lezville.fr'"),
        # every string drawn on the card (image.data), nested ones too
        (card(url="villeneuve-sur-lez.fr/piscine"), "item.image.data.url: address"),
        (card(messages=[{"text": "Infos : lezville.fr"}]), "data.messages.0.text: address"),
        (card(rows=[["Source", "stats-lez.org"]]), "item.image.data.rows.0.1: address"),
        (card(footer="contact@mairie-lez.fr"), "item.image.data.footer: address 'mairie-lez.fr'"),
        (step(1, feedback_wrong="Regarde sur vraie-info.fr"), "feedback_wrong.fr: address"),
        # names to avoid: everywhere, or in items
        (lambda d: d.update(debrief="Voix Lycéenne a relayé."), "debrief.fr: « Voix Lycéenne »"),
        (item(author="Le Monde"), "item.author: « Le Monde » is a real organisation"),
        (item(handle="@LEMONDEFR"), "item.handle: « @lemondefr »"),
        (item(text="LE FIGARO le dit"), "item.text.fr: « Le Figaro »"),
        # judging words before the verdict
        (item(text="Un compte anonyme dit ça."), "item.text.fr: judging word « anonyme »"),
        (step(0, hints=["La photo est-elle truquée ?"]), "steps.0.hints.0.fr: judging word"),
        (step(0, model_answer="Je cherche si c'est un faux."), "steps.0.model_answer.fr"),
        (step(1, prompt="Vrai ou faux ?"), "steps.1.prompt.fr: judging word « faux »"),
        (lambda d: d.update(title="Un site officiel ?"), "title.fr: judging word « officiel »"),
        (
            lambda d: d["item"].update(
                image={
                    "file": "x.png",
                    "alt": "Une rue, rien n'indique le lieu.",
                    "template": "post",
                }
            ),
            "item.image.alt: judging word « rien n'indique »",
        ),
        # feedback: short, without a stock opener
        (step(1, feedback_correct="x" * 201), "steps.1.feedback_correct.fr: 201 characters"),
        (option(2, 0, feedback="Exactement 🎯 La date."), "starts with « exactement »"),
        (option(3, 1, feedback="🎯 Bravo, tu attends."), "starts with « bravo »"),
        # the engine's template says these phrases once
        (
            lambda d: d.update(debrief="Ce message jouait sur la peur."),
            "debrief.fr: repeats « Ce message jouait sur »",
        ),
        (
            lambda d: d.update(fact_checker="Ce que ferait un·e fact-checker : 1) lire."),
            "fact_checker.fr: repeats",
        ),
        (lambda d: d.update(debrief="x" * 301), "debrief.fr: 301 characters"),
        # plain-language versions without point médian
        (step(0, prompt={"fr": "Comment ?", "falc": "Es-tu sûr·e ?"}), "prompt.falc: point médian"),
    ],
)
def test_each_rule_names_the_file_the_field_and_the_problem(
    tmp_path: Path, edit, expected: str
) -> None:
    found = problems_of(tmp_path, edit)
    assert any(expected in problem for problem in found), found


@pytest.mark.parametrize(
    "edit",
    [
        item(url="https://sport-lezville.test/a", text="Écris à info@lezville.invalid"),
        card(url="sport-lezville.example/gymnase", handle="@sport.lezville.fr"),  # a handle
        step(1, feedback_wrong="Une recherche sur tineye.com retrouve la photo."),
        lambda d: d.update(resources=[{"title": "TinEye", "url": "https://tineye.com/search"}]),
        item(text="Tout le monde en parle, le point est fait."),  # common words, not outlets
        step(1, feedback_correct="Les Décodeurs du Monde ont vérifié."),  # where one checks
        step(2, prompt="Quel détail est bizarre ?"),  # after the verdict, judging is the point
        step(0, prompt={"fr": "Es-tu sûr·e ?", "falc": "Es-tu sûr ?"}),  # point médian in fr
        item(text="Une photo.png et un guide.pdf"),  # file names are not addresses
        option(2, 0, feedback="Ouistiti : un détail qui compte."),  # « oui » is not the opener
    ],
)
def test_what_the_rules_allow(tmp_path: Path, edit) -> None:
    assert problems_of(tmp_path, edit) == []


def balanced(tmp_path: Path, right_at: list[str], longest_right: int) -> list[str]:
    """Choice steps whose right option sits at the given positions; the first `longest_right`
    of them have the right option as the longest label."""
    scenarios = []
    for number, position in enumerate(right_at):
        data = scenario(f"s{number:02d}")
        labels = {"a": "Un", "b": "Deux", "c": "Trois"}
        options = [
            {"id": key, "label": label, "correct": key == position, "feedback": "Un détail."}
            for key, label in labels.items()
        ]
        right = next(o for o in options if o["correct"])
        right["label"] = "Une option bien plus longue" if number < longest_right else "X"
        data["steps"][2]["options"] = options
        scenarios.append(data)
    return rules.balance_problems(catalogue(tmp_path, *scenarios).scenarios.values())


def test_stored_positions_and_longest_labels_are_balanced(tmp_path: Path) -> None:
    even = ["a", "b", "c"] * 4
    assert balanced(tmp_path / "even", even, longest_right=3) == []
    (problem,) = balanced(tmp_path / "a", ["a"] * 6 + ["b", "c"] * 3, longest_right=0)
    assert problem.startswith("(catalogue): choice steps: 50% of the right options")
    assert "position a" in problem
    (problem,) = balanced(tmp_path / "long", even, longest_right=4)
    assert "the right option is the longest in 4 of 12" in problem


def test_balance_is_not_judged_on_a_handful_of_steps(tmp_path: Path) -> None:
    assert balanced(tmp_path, ["a"] * 3, longest_right=3) == []


def quiz_item(index: int, **fields: Any) -> QuizItem:
    values = {
        "id": f"c{index:02d}",
        "kind": "scam",
        "difficulty": "facile",
        "cue": "SOURCE",
        "text": Wording(fr="Le club ouvre samedi.", falc="Le club ouvre samedi."),
        "source": "Post du club de judo, 2 mai",
        "reliable": True,
        "explanation": Wording(fr="Le club le confirme.", falc="Le club le dit."),
    } | fields
    return QuizItem.model_construct(**values)


class ThreeForms(BaseModel):
    """The quiz's shape as the rules read it: whatever `form_…` lists it has."""

    form_a: list[QuizItem]
    form_b: list[QuizItem]
    form_c: list[QuizItem]


def test_quiz_items_are_checked_in_every_form() -> None:
    """Forms are read whatever their number (form_c included); the text and source line are
    shown before the answer, the explanation after."""
    quiz = ThreeForms.model_construct(
        form_a=[quiz_item(1)],
        form_b=[quiz_item(1)],
        form_c=[
            quiz_item(1, source="Compte anonyme, non vérifié"),
            quiz_item(2, text=Wording(fr="Voir club-judo.fr")),
            quiz_item(3, explanation=Wording(fr="Faux : le club dément.", falc="Faux.")),
        ],
    )
    # a stand-in with a third form: the rules read whatever `form_…` fields the quiz has
    found = rules.quiz_problems(quiz)  # type: ignore[arg-type]
    assert any("quiz.yml: form_c.0.source: judging word « anonyme »" in p for p in found)
    assert any("form_c.1.text.fr: address 'club-judo.fr'" in p for p in found)
    assert not any("form_c.2" in p for p in found)
