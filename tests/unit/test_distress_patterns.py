"""Tests of the distress safety net's matcher (nlu/components/distress.py and its data).

Pure function tests in the application environment: no Rasa, no network. The phrases below were
written for these tests (not copied from tests/nlu/dev.yml, which stays a measurement set).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu.components import distress
from nlu.components.distress import bare, is_distress, match
from tests.nlu_examples import TRAINING
from tests.support.examples import examples

# A learner talking about their own situation: must always be caught.
DISTRESS = [
    # suicidal ideation
    "jveux mourir",
    "Je veux mourir.",
    "jvais me tuer",
    "j'ai envie de me pendre",
    "je pense au suicide depuis des semaines",
    "jsuis suicidaire",
    "des fois jme dis que ce serait mieux si j'étais plus là",
    "j'ai plus envie de vivre",
    "jai pu envie de rien",
    "jveux disparaître",
    "je vais sauter du pont",
    "j'ai pris plein de cachets",
    "j'ai envie d'en finir",
    "Je voudrais ne plus me réveiller",
    "JE VEUX EN FINIR",
    "jveu mourir",
    # self-harm
    "je me scarifie",
    "jme suis encore coupée hier soir",
    "je me fais du mal quand ça va pas",
    "je me coupe pour me calmer",
    # despair
    "personne me comprend jpp",
    "jpp",
    "chui au bout jveux plus vivre",
    "chui a bout de force",
    "je suis en dépression",
    "j'ai des idées noires",
    "je pleure tous les soirs",
    "jdors plus la nuit",
    "tout le monde me déteste",
    "je me sens seule tout le temps",
    "ma vie c'est un enfer",
    "chui plus capable jpp",
    "ma vie sert à rien",
    "je n'en peux plus",
    "jsuis pas bien du tout",
    # harassment
    "on m'harcèle sur insta",
    "ils arrêtent pas de m'insulter en dm",
    "je me fais harceler au bahut",
    "tout le monde se fout de ma gueule",
    "ya une page insta qui se moque de moi",
    "ils ont fait un compte fisha sur moi",
    "qqn a créé un faux compte à mon nom pour m'afficher",
    "jsuis victime de harcèlement",
    "c'est du harcèlement ce qu'ils me font",
    "ils racontent des horreurs sur moi",
    # intimate images, sextortion, abuse
    "il a balancé mes nudes",
    "il menace de diffuser mes photos si jlui donne pas 50 euros",
    "un mec sur snap me fait du chantage",
    "un adulte sur discord veut que je lui envoie des photos",
    "il me demande des nudes tous les jours",
    "un homme m'a touchée et j'ai peur",
    "il me demande de garder notre secret",
    # threats, violence at home, racket
    "ils m'attendent à la sortie pour me défoncer",
    "il a dit qu'il allait me planter",
    "j'ai reçu des menaces de mort",
    "il me frappe quand il a bu",
    "mon beau père me tape dessus",
    "ma mère me met des claques tous les jours",
    "j'ai peur de mon père",
    "jveux pas rentrer chez moi ce soir",
    "mon copain me frappe",
    "on me rackette à la récré",
    "ils me piquent mes affaires et me menacent",
    "ils me volent mon argent tous les matins",
    # laughter elsewhere in the message does not cancel a real match
    "mdr je suis mort de rire mais sinon on me harcèle",
]

# Idioms, scenario answers about threats/harassment as TOPICS, insults, verdicts: never caught.
NOT_DISTRESS = [
    "je suis mort de rire",
    "mdr je suis morte de rire",
    "ça me tue mdr",
    "tu me tues lol",
    "jvais mourir de faim",
    "je crève de chaud",
    "j'en peux plus de ce quiz",
    "je veux en finir avec ce scénario",
    "il me bat à fortnite",
    "ils me défoncent à fifa",
    "c'est du chantage affectif ce message",
    "c'est une chaîne qui menace de supprimer ton compte",
    "la chaine dit que tu vas mourir si tu partages pas",
    "le harcèlement c'est grave",
    "tu as un scénario sur le harcèlement ?",
    "la chanteuse se fait insulter à cause de la fausse capture",
    "l'influenceur va publier une vidéo sponsorisée",
    "c'est une photo sortie de son contexte",
    "cette photo tourne partout sur insta",
    "je signalerais le compte qui menace les gens",
    "je regarderais si la menace est réelle",
    "c'est une arnaque pour pirater mon compte",
    "ils veulent juste me faire payer des frais",
    "est-ce que le prof va voir mes réponses",
    "tu m'insultes là ?",
    "t'es nul",
    "va mourir sale bot",
    "ça m'affiche une erreur",
    "ça me saoule ce quiz",
    "ça me tape sur les nerfs",
    "je craque pour ce jeu",
    "je me suis coupé les cheveux",
    "le remède miracle contre la dépression c'est faux",
    "ma mère va me tuer si j'ai une mauvaise note",
    "je vais mal répondre",
    "je suis mal barré pour cette question",
    "je prends des médicaments pour la grippe",
    "il me suit sur insta",
    "la vidéo montre des violences policières",
    "ton message m'a touché",
    "je vérifierais si la photo a été retouchée",
    "je demanderais à un adulte de confiance",
    "c'est un deepfake, la voix est imitée",
    "",
    "   ",
    "🙂",
]


@pytest.mark.parametrize("text", DISTRESS)
def test_distress_is_caught(text: str) -> None:
    assert is_distress(text), f"not caught: {text!r} (bare: {bare(text)!r})"


@pytest.mark.parametrize("text", NOT_DISTRESS)
def test_idioms_and_topics_are_not_distress(text: str) -> None:
    found = match(text)
    assert found is None, f"{text!r} matched {found.pattern_id}: {found.matched!r}"


def test_no_other_training_example_matches() -> None:
    wrong = [(intent, text) for intent, text in TRAINING if intent != "distress" and match(text)]
    assert wrong == []


def test_the_net_covers_the_distress_training_examples() -> None:
    texts = [text for intent, text in TRAINING if intent == "distress"]
    missed = [text for text in texts if not is_distress(text)]
    assert len(texts) >= 80
    assert len(missed) <= 0.05 * len(texts), missed


def test_every_category_has_a_caught_example() -> None:
    caught = {m.category for m in map(match, DISTRESS) if m}
    assert caught == {category for category, _, _ in distress.PATTERNS.patterns}


def test_match_reports_the_pattern() -> None:
    found = match("Chui AU BOUT… jveux plus vivre 😭")
    assert found is not None
    assert found.pattern_id.startswith(found.category + ".")
    assert found.matched


def test_bare_text_is_words_and_spaces() -> None:
    assert bare("J’en peux PLUS !!! 😭") == "j en peux plus"
    assert bare("jme fais harceler…") == "je me fais harceler"
    assert bare(None) == ""  # type: ignore[arg-type]  # not a str, on purpose


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    match(text)


def test_long_input_is_fast() -> None:
    text = "je regarderais la source et la date puis je chercherais ailleurs " * 200
    start = time.perf_counter()
    assert match(text) is None
    assert time.perf_counter() - start < 1.0


def test_data_file_is_not_rasa_training_data(tmp_path: Path) -> None:
    raw = yaml.safe_load(distress.DATA_PATH.read_text(encoding="utf-8"))
    assert not {"nlu", "rules", "stories", "version"} & set(raw)
    bad = tmp_path / "bad.yml"
    bad.write_text("patterns:\n  x:\n    - '{nope}'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown macro"):
        distress.load(bad)
    bad.write_text("patterns:\n  x:\n    - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"patterns\.x\[0\]"):
        distress.load(bad)
