"""Small scenario catalogues written to tmp_path, for the rules and the audit.

Test helper only: the smallest valid scenario, which each test then bends one way.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from scenarios.loader import Catalogue, load_catalogue

Edit = Callable[[dict[str, Any]], None]


def scenario(scenario_id: str = "essai", verdict: str = "faux") -> dict[str, Any]:
    """A valid, neutral scenario: open step first, a verdict, a choice and a share step."""
    feedback = "La mairie publie ses fermetures sur son site."
    return copy.deepcopy(
        {
            "id": scenario_id,
            "title": "Le gymnase ferme lundi ?",
            "kind": "chain_message",
            "level": "college",
            "difficulty": "facile",
            "minutes": 5,
            "competences": ["CRCN 1.1 Mener une recherche", "DigComp 1.2 Évaluer"],
            "emotion": "l'inquiétude",
            "item": {
                "format": "post",
                "text": {"fr": "Le gymnase ferme lundi.", "falc": "Le gymnase ferme lundi."},
                "author": "Sport Lezville",
                "handle": "@sport_lezville",
                "url": "https://sport-lezville.example/gymnase",
                "date": "3 mars 2025",
                "verdict": verdict,
            },
            "steps": [
                {
                    "id": "verifier",
                    "kind": "open",
                    "prompt": "Comment tu vérifierais ?",
                    "hints": ["Qui publie ce message ?"],
                    "expected": ["SOURCE"],
                    "model_answer": "Je regarde le site de la mairie.",
                },
                {
                    "id": "verdict",
                    "kind": "verdict",
                    "prompt": "Ton verdict ?",
                    "hints": ["Qui d'autre en parle ?"],
                    "feedback_correct": feedback,
                    "feedback_wrong": feedback,
                },
                {
                    "id": "indice",
                    "kind": "choice",
                    "prompt": "Quel indice compte ?",
                    "options": [
                        {"id": "a", "label": "La date", "correct": True, "feedback": feedback},
                        {
                            "id": "b",
                            "label": "Le nombre de partages",
                            "correct": False,
                            "feedback": "Les partages ne disent pas d'où vient l'info.",
                        },
                    ],
                },
                {
                    "id": "partage",
                    "kind": "share",
                    "prompt": "Tu fais quoi ?",
                    "options": [
                        {"choice": "partager", "good": False, "feedback": feedback},
                        {"choice": "attendre", "good": True, "feedback": feedback},
                        {"choice": "signaler", "good": False, "feedback": feedback},
                    ],
                },
            ],
            "debrief": "Un message sans lien avec la mairie.",
            "fact_checker": "1) chercher qui publie ; 2) comparer avec le site de la mairie.",
            "resources": [{"title": "CLEMI", "url": "https://www.clemi.fr"}],
        }
    )


def catalogue(tmp_path: Path, *scenarios: dict[str, Any]) -> Catalogue:
    """The scenarios written as files of a fresh directory, loaded (no quiz)."""
    directory = tmp_path / "catalogue"
    directory.mkdir(parents=True, exist_ok=True)
    for data in scenarios:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (directory / f"{data['id']}.yml").write_text(text, encoding="utf-8")
    return load_catalogue(directory, tmp_path / "no-quiz.yml")


def edited(edit: Edit, scenario_id: str = "essai", verdict: str = "faux") -> dict[str, Any]:
    data = scenario(scenario_id, verdict)
    edit(data)
    return data
