"""The manipulator missions' schema and content checks (issue 17): the shipped file is valid,
every technique is named as the debriefs name it, and each rule fails when broken."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ops.cli import main
from scenarios.loader import default_catalogue
from scenarios.missions import (
    MISSIONS_FILE,
    TECHNIQUES_FILE,
    Technique,
    load_missions,
    load_techniques,
    mission_problems,
    technique_problems,
)
from tools.cards.drawing import fonts_available
from tools.cards.mission import stale
from vigie.data_files import DataFileError

CATALOGUE = default_catalogue()


def raw() -> dict:
    return yaml.safe_load(MISSIONS_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict) -> Path:
    target = tmp_path / "missions.yml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def first_choice(data: dict) -> dict:
    return data["missions"][0]["turns"][0]["choices"][0]


def test_the_shipped_missions_and_techniques_are_valid(capsys: pytest.CaptureFixture) -> None:
    missions = load_missions()
    assert len(missions.missions) >= 4
    for mission in missions.missions:
        assert 6 <= 1 + len(mission.turns) + len(mission.recognition) <= 8  # learner turns
    assert technique_problems(load_techniques(), CATALOGUE) == []
    assert mission_problems(missions, CATALOGUE) == []
    assert main(["scenarios", "validate"]) == 0
    assert "missions valid" in capsys.readouterr().out


def test_every_technique_is_offered_somewhere() -> None:
    offered = {
        choice.technique
        for mission in load_missions().missions
        for turn in mission.turns
        for choice in turn.choices
    }
    assert offered == set(Technique)


def test_a_technique_named_otherwise_than_in_the_debriefs_is_refused() -> None:
    vocabulary = load_techniques()
    renamed = {
        **vocabulary,
        Technique.FAKE_EXPERT: vocabulary[Technique.FAKE_EXPERT].model_copy(
            update={"name": "l'argument d'autorité en blouse blanche"}
        ),
    }
    (problem,) = technique_problems(renamed, CATALOGUE)
    assert problem.startswith("techniques.yml: fake_expert.name:")


def test_a_technique_missing_from_the_vocabulary_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(TECHNIQUES_FILE.read_text(encoding="utf-8"))
    del data["polarisation"]
    target = tmp_path / "techniques.yml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match="polarisation"):
        load_techniques(target)


def test_a_mission_may_use_only_the_vocabulary_s_codes(tmp_path: Path) -> None:
    data = raw()
    first_choice(data)["technique"] = "flattery"
    with pytest.raises(DataFileError, match=r"missions\.0\.turns\.0\.choices\.0\.technique"):
        load_missions(write(tmp_path, data))


@pytest.mark.parametrize(
    ("alt", "message"),
    [
        ("Carte d'un post fictif avec un titre en majuscules, sans le mot exercice.", "starts"),
        ("Exercice : 😱🤢 LE NOUVEAU GRATIN DE LA CANTINE EST UNE CATASTROPHE.", "quotes"),
    ],
)
def test_a_card_s_alt_text_starts_with_exercice_and_never_quotes_the_post(
    tmp_path: Path, alt: str, message: str
) -> None:
    data = raw()
    card = first_choice(data)["card"]
    card["alt"] = alt
    card["data"]["body"] = "😱🤢 LE NOUVEAU GRATIN DE LA CANTINE EST UNE CATASTROPHE."
    with pytest.raises(DataFileError, match=message):
        load_missions(write(tmp_path, data))


def test_two_choices_of_a_turn_are_two_techniques(tmp_path: Path) -> None:
    data = raw()
    choices = data["missions"][0]["turns"][0]["choices"]
    choices[1]["technique"] = choices[0]["technique"]
    with pytest.raises(DataFileError, match="different technique"):
        load_missions(write(tmp_path, data))


def test_the_fictional_world_rules_apply_to_missions(tmp_path: Path) -> None:
    data = raw()
    first_choice(data)["card"]["data"]["body"] = "Lu sur valbrune-infos.fr et dans Le Monde"
    data["missions"][1]["recognition"][0]["explanation"] = {"fr": "Bravo ! " + "x" * 200}
    problems = mission_problems(load_missions(write(tmp_path, data)), CATALOGUE)
    assert any("valbrune-infos.fr" in p for p in problems)
    assert any("Le Monde" in p for p in problems)
    assert any("missions.1.recognition.0.explanation" in p and "characters" in p for p in problems)


def test_a_mission_id_may_not_be_a_scenario_id(tmp_path: Path) -> None:
    data = raw()
    data["missions"][0]["id"] = "mission_x"
    missions = load_missions(write(tmp_path, data))
    assert mission_problems(missions, CATALOGUE) == []
    clash = missions.model_copy(
        update={
            "missions": [missions.missions[0].model_copy(update={"id": "annonce_mairie_college"})]
        }
    )
    assert any("is also a scenario id" in p for p in mission_problems(clash, CATALOGUE))


@pytest.mark.skipif(not fonts_available(), reason="DejaVu fonts missing")
def test_the_mission_cards_are_drawn_from_the_current_data() -> None:
    assert stale(load_missions()) == []
