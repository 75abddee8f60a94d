"""Tests of the free-text criteria detector (actions/scoring.py) and of its batch interface.

Never depends on the network or on files outside the repository.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.scoring import CRITERIA, detect_batch, detect_criteria
from tests.support.examples import examples
from tools.evaluate_scoring import evaluate, load_answers

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "tests" / "scoring" / "dev.yml"
LATER_SETS = ROOT / "tests" / "scoring" / "later.yml"

# (answer, criterion it must show)
POSITIVES = [
    ("je regarderais qui a publié ça", "SOURCE"),
    ("g regardé ki a posté", "SOURCE"),
    ("je vérifierais si le compte est certifié", "SOURCE"),
    ("c'est un compte anonyme", "SOURCE"),
    ("je regarde si le média est connu et fiable", "SOURCE"),
    ("jvérifierai la source", "SOURCE"),
    ("je regarderais l'auteur de l'article", "SOURCE"),
    ("je chercherais sur google si c vrai", "LATERAL"),
    ("jregarde sur gogole", "LATERAL"),
    ("je verrais si d'autres médias en parlent", "LATERAL"),
    ("j'irais sur un site de fact check", "LATERAL"),
    ("je croiserais les sources", "LATERAL"),
    ("je chercherais l'info ailleurs", "LATERAL"),
    ("je regarderais la date de publication", "DATE"),
    ("c'est peut-être une vieille photo qui ressort", "DATE"),
    ("jverifierais kan ca a ete posté", "DATE"),
    ("je vérifierais si c'est récent", "DATE"),
    ("ça date de 2016", "DATE"),
    ("je ferais une recherche d'image inversée", "IMAGE"),
    ("google lens direct", "IMAGE"),
    ("je la mettrais dans tineye", "IMAGE"),
    ("je regarderais si la photo est truquée", "IMAGE"),
    ("ça peut être généré par IA, je regarde les doigts", "IMAGE"),
    ("je regarderais l'url du site", "URL"),
    ("je vérifierais le nom de domaine", "URL"),
    ("je lirais les mentions légales", "URL"),
    ("je ferais un whois", "URL"),
    ("le lien a l'air louche", "URL"),
    ("je chercherais des preuves", "EVIDENCE"),
    ("je lirais l'étude scientifique d'origine", "EVIDENCE"),
    ("je vérifierais les chiffres", "EVIDENCE"),
    ("je regarderais l'axe du graphique", "EVIDENCE"),
    ("je chercherais les documents officiels", "EVIDENCE"),
    ("je demanderais à un prof", "EXPERT"),
    ("jdemande a mes parents", "EXPERT"),
    ("j'en parlerais à un adulte de confiance", "EXPERT"),
    ("je verrais ce que disent les scientifiques", "EXPERT"),
    ("je demanderais l'avis d'un médecin", "EXPERT"),
    ("le titre est fait pour faire peur", "EMOTION"),
    ("c'est du putaclic", "EMOTION"),
    ("je prendrais du recul avant de réagir", "EMOTION"),
    ("je paniquerais pas", "EMOTION"),
    ("je croirais pas direct", "EMOTION"),
    ("c'est une parodie", "INTENT"),
    ("c'est sponsorisé, il est payé", "INTENT"),
    ("ça sent l'arnaque", "INTENT"),
    ("c'est un avis pas une info", "INTENT"),
    ("je prendrais pas ça au premier degré", "INTENT"),
    ("je partagerais pas avant d'avoir vérifié", "SHARE"),
    ("jpartage pas", "SHARE"),
    ("je signale", "SHARE"),
    ("je ne le transférerais à personne", "SHARE"),
    ("je préviendrais mes amis que c'est faux", "SHARE"),
    ("je vérifierais avant de partager", "SHARE"),
]

# (answer, criterion it must NOT show): negated mentions
NEGATED = [
    ("je regarderais pas la date", "DATE"),
    ("pas besoin de chercher ailleurs", "LATERAL"),
    ("je vérifierais même pas la source", "SOURCE"),
    ("jamais je ne regarde l'auteur", "SOURCE"),
    ("je ferais aucune recherche d'image", "IMAGE"),
    ("je demanderais pas à mes parents", "EXPERT"),
    ("je regarderais ni l'auteur ni la date", "DATE"),
    ("je regarderais ni l'auteur ni la date", "SOURCE"),
    ("flemme de regarder l'url", "URL"),
    ("la date on s'en fout", "DATE"),
    ("les études je m'en fiche", "EVIDENCE"),
    ("sans regarder la date", "DATE"),
    ("j'irais pas sur google", "LATERAL"),
    ("je partage direct", "SHARE"),
    ("je le signalerais pas", "SHARE"),
    ("c'est pas la peine de demander à un prof", "EXPERT"),
]

# Answers that show no criterion at all: vague, negated, or off topic.
NOTHING = [
    "je vérifierais",
    "je chercherais",
    "je regarderais bien",
    "jvérifierai",
    "je ferais des recherches",
    "je me renseignerais",
    "jsp",
    "c'est faux",
    "je croirais direct",
    "je regarderais si c'est vrai ou pas",
    "pourquoi pas le partager",
]

# (answer, criteria it shows exactly): negation scope and clause handling
EXACT = [
    ("je regarderais pas la date mais la source", ["SOURCE"]),
    ("je regarderais la date, pas l'auteur", ["DATE"]),
    ("je partagerais pas avant d'avoir vérifié la source", ["SHARE", "SOURCE"]),
    ("je regarderais si la source est pas fiable", ["SOURCE"]),
    ("ya pas d'auteur, c'est louche", ["SOURCE"]),
    ("je partage pas, je cherche sur google", ["LATERAL", "SHARE"]),
    ("je regarde pas que la date, aussi l'auteur", ["DATE", "SOURCE"]),
    ("la source je la vérifie jamais", []),
    ("aucune étude ne dit ça", ["EVIDENCE"]),
    ("le compte a aucun abonné", ["SOURCE"]),
    ("je partage pas tant qu'un média l'a pas confirmé", ["LATERAL", "SHARE"]),
    ("je partage pas sans vérifier", ["SHARE"]),
    ("je dirais qu'il faut pas le faire tourner", ["SHARE"]),
    ("pas de panique", ["EMOTION"]),
]

# (misspelt answer, criterion it still shows); real words are never "corrected"
TYPOS = [
    ("je regarderais la sourse", "SOURCE"),
    ("je verifierais l'autheur", "SOURCE"),
    ("le titre est sensationel", "EMOTION"),
    ("je demanderais a un medcin", "EXPERT"),
    ("l'adrese du site", "URL"),
]


@pytest.mark.parametrize(("text", "code"), POSITIVES)
def test_positive_mentions_are_found(text: str, code: str) -> None:
    assert code in detect_criteria(text)


@pytest.mark.parametrize(("text", "code"), NEGATED)
def test_negated_mentions_do_not_count(text: str, code: str) -> None:
    assert code not in detect_criteria(text)


@pytest.mark.parametrize("text", NOTHING)
def test_vague_or_negated_answers_show_nothing(text: str) -> None:
    assert detect_criteria(text) == []


@pytest.mark.parametrize(("text", "codes"), EXACT)
def test_negation_scope(text: str, codes: list[str]) -> None:
    assert detect_criteria(text) == codes


@pytest.mark.parametrize(("text", "code"), TYPOS)
def test_typos_are_tolerated(text: str, code: str) -> None:
    assert code in detect_criteria(text)


@pytest.mark.parametrize("text", ["je regarderais la hauteur", "au moins deux", "la course"])
def test_real_words_are_not_taken_for_typos(text: str) -> None:
    assert detect_criteria(text) == []


@pytest.mark.parametrize("data", [None, "expansions: [oops"])
@pytest.mark.slow
def test_the_scorer_does_not_start_without_its_teen_speak_data(
    tmp_path: Path, data: str | None
) -> None:
    """The scorer reads answers with the NLU's normaliser, whose data it cannot do without."""
    copy = tmp_path / "nlu"
    (copy / "components").mkdir(parents=True)
    for name in ("__init__.py", "components/__init__.py", "components/normalise.py"):
        (copy / name).write_bytes((ROOT / "nlu" / name).read_bytes())
    if data is not None:
        (copy / "teen_speak.yml").write_text(data, encoding="utf-8")
    started = subprocess.run(
        [sys.executable, "-c", "import actions.scoring"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert f"TeenSpeakDataError: {copy / 'teen_speak.yml'}: " in started.stderr


def test_every_criterion_is_tested() -> None:
    assert {code for _, code in POSITIVES} == set(CRITERIA)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😂😂😂🔥",
        "vérifie " * 250,  # 2,000 characters
        "a" * 5000,
        "I would check who posted it and when",
        "سأتحقق من المصدر قبل النشر",
        "je\x00 regarde\x07 la\x1b date\u200b\u2028",
        "\ud800 lone surrogate",
        "ééééé'''---!!!???",
    ],
)
def test_any_text_gives_a_sorted_list_of_codes(text: str) -> None:
    codes = detect_criteria(text)
    assert isinstance(codes, list)
    assert codes == sorted(set(codes))
    assert set(codes) <= set(CRITERIA)


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    codes = detect_criteria(text)
    assert codes == sorted(set(codes)) and set(codes) <= set(CRITERIA)


def test_non_string_input_gives_no_criterion() -> None:
    assert detect_criteria(None) == []  # type: ignore[arg-type]  # not a str, on purpose


def test_batch_gives_the_same_as_one_by_one() -> None:
    texts = [text for text, _ in POSITIVES[:20]] + NOTHING
    assert detect_batch(texts) == [detect_criteria(t) for t in texts]


@pytest.mark.slow
def test_batch_interface_keeps_order_and_shape() -> None:
    lines = ["je regarde la date et l'auteur", "", "😂", "jpartage pas", "é\tà ç"]
    result = subprocess.run(
        [sys.executable, "-m", "actions.scoring"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == lines
    assert all(set(r) == {"text", "criteria"} for r in records)
    assert records[0]["criteria"] == ["DATE", "SOURCE"]
    assert records[1]["criteria"] == [] and records[2]["criteria"] == []
    assert records[3]["criteria"] == ["SHARE"]
    assert "é\\tà ç" in result.stdout.splitlines()[4]  # ensure_ascii=False, tab escaped


def test_dev_set_figures_meet_the_targets() -> None:
    answers = load_answers(DEV_SET)
    report = evaluate(answers)
    assert len(answers) >= 200
    assert report.empty_gold >= 30
    assert all(c.tp + c.fn >= 15 for c in report.per_criterion.values())
    assert report.micro.f1 >= 0.88
    assert all(c.f1 >= 0.75 for c in report.per_criterion.values()), report.per_criterion
    assert report.no_criterion_precision >= 0.9


def test_later_sets_stay_above_the_targets() -> None:
    report = evaluate(load_answers(LATER_SETS))
    assert report.micro.f1 >= 0.88
    assert all(c.f1 >= 0.75 for c in report.per_criterion.values()), report.per_criterion
    assert report.no_criterion_precision >= 0.9


def test_pattern_file_quotes_every_overriding_pattern() -> None:
    # YAML reads an unquoted `- ! …` as a tag and silently drops the `!`: the parser must see none.
    text = (ROOT / "actions" / "criteria.yml").read_text(encoding="utf-8")
    tags = [token for token in yaml.scan(text) if isinstance(token, yaml.TagToken)]
    assert not tags, [f"line {tag.start_mark.line + 1}: {tag.value}" for tag in tags]
