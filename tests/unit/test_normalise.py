"""Tests of the teen-speak normaliser shared by the Rasa tokenizer and the free-text scorer.

Pure function tests: they never start Rasa and never touch the network or the disk.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu.components import normalise as module
from nlu.components.normalise import DATA, chunk_spans, normalise, normalise_chunks
from tests.support.examples import examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # SMS forms, token-wise
        ("jsp", "je sais pas"),
        ("JSP", "je sais pas"),
        ("pk", "pourquoi"),
        ("pq tu dis ca", "pourquoi tu dis ca"),
        ("un indice stp", "un indice s'il te plait"),
        ("tkt", "t'inquiete"),
        ("chui perdu", "je suis perdu"),
        ("jpp de ma vie", "j'en peux plus de ma vie"),
        ("qqn a partagé mes photos", "quelqu'un a partage mes photos"),
        ("ya un pb", "il y a un probleme"),
        ("wsh frérot", "wesh frerot"),
        ("oki dac", "ok d'accord"),
        ("osef", "on s'en fout"),
        # "j" glued to a verb, "j'" without the vowel
        ("jpense que oui", "je pense que oui"),
        ("j'crois pas", "je crois pas"),
        ("jregarderais la date", "je regarderais la date"),
        ("j'ai vu", "j'ai vu"),  # a real elision stays
        # accents, ligatures, case
        ("Ça a l'air SÉRIEUX", "ca a l'air serieux"),
        ("cœur", "coeur"),
        ("Noël à Gênes", "noel a genes"),
        ("É È Ê Ë À Â Î Ï Ô Û Ù Ü Ÿ Ç", "e e e e a a i i o u u u y c"),
        # apostrophes, quotes, dashes, whitespace
        ("c\u2019est vrai", "c'est vrai"),
        ("aujourd\u2018hui", "aujourd'hui"),
        ("\u00ab fake \u00bb", '" fake "'),
        ("peut\u2013être", "peut-etre"),
        ("  plein \t d'espaces\n\n partout  ", "plein d'espaces partout"),
        ("il\u00a0est\u202f?", "il est ?"),
        # letter floods: runs of 3+ letters, keeping legitimate doubles
        ("nooooon", "non"),
        ("ouiiiii", "oui"),
        ("trooop bien", "trop bien"),
        ("bonnnnne réponse", "bonne reponse"),
        ("cooool", "cool"),
        ("stppppp", "s'il te plait"),
        ("mercii", "merci"),
        ("bonne", "bonne"),
        ("comme elle", "comme elle"),
        ("assez", "assez"),
        ("2000 euros", "2000 euros"),  # digits are never reduced
        ("www.exemple-info.fr/aaaa", "www.exemple-info.fr/aaaa"),  # nor addresses
        # punctuation runs
        ("quoi ???", "quoi ?"),
        ("bah...........", "bah..."),
        ("non!!!", "non!"),
        # laughter → one canonical token
        ("mdrrrr", "mdr"),
        ("ptdr", "mdr"),
        ("hahaha lol", "mdr"),
        ("xD", "mdr"),
        ("ahah t nul", "mdr t'es nul"),
        ("😂😂😂", "mdr"),
        ("ah ok", "ah ok"),  # "ah" is not laughter
        # emoji
        ("👍", "ok"),
        ("👍🏽", "ok"),
        ("merci🙏", "merci merci"),
        ("jsp 🤷", "je sais pas je sais pas"),
        ("trop bien 😅", "trop bien 😅"),  # unknown emoji are kept
    ],
)
def test_normalise_examples(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "c" = "c'est" in a sentence...
        ("c vrai", "c'est vrai"),
        ("c un fake", "c'est un fake"),
        ("c koi le meilleur jeu", "c'est quoi le meilleur jeu"),
        ("oui, c fiable", "oui, c'est fiable"),
        ("c la b", "c'est la b"),
        # ...but an answer letter everywhere else
        ("c", "c"),
        ("C", "c"),
        ("la c", "la c"),
        ("la C !", "la c !"),
        ("réponse c", "reponse c"),
        ("je dirais c", "je dirais c"),
        ("jdirais c", "je dirais c"),
        ("c ou d", "c ou d"),
        ("b ou c", "b ou c"),
        ("b ou c je crois", "b ou c je crois"),
        ("c vrai ou c un fake", "c'est vrai ou c'est un fake"),
        ("c je pense", "c je pense"),
        ("c, je pense", "c, je pense"),
        ("c ?", "c ?"),
        ("c stp", "c s'il te plait"),
        # "g" = "j'ai", "t" = "t'es"
        ("g pas compris", "j'ai pas compris"),
        ("t ki", "t'es qui"),
        ("t un robot ?", "t'es un robot ?"),
        ("t as vu", "t as vu"),
        ("g", "g"),
    ],
)
def test_single_letters_only_in_context(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\t\r",
        "\x00\x01\x1f\x7f",
        "\u200b\u200d\u200e\u200f\u202a\u202e\u2066\u2069",  # zero-width and bidi controls
        "\ud800",  # a lone surrogate
        "\U0010ffff\ue000",  # non-character, private use
        "مرحبا كيف حالك",
        "שלום עולם",
        "Привет как дела",
        "你好世界",
        "한국어 텍스트",
        "👨\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
        "a\u0301\u0301\u0301\u0301",
        "Z̷̢͚̈́a̸̛̳l̵̨̈́g̸͔̈́o̴͇̿",
        "ﬁ ﬂ ² ½ Ⅻ ｆｕｌｌｗｉｄｔｈ",
        "ǅ ǈ ǋ ẞ İ ı ς",
        "'" * 50,
        "?!" * 500,
        "a" * 10_000,
        "jsp " * 2_500,
        "c " * 5_000,
        "abcdefghijklmnopqrstuvwxyz" * 400,
    ],
)
def test_never_raises_on_odd_input(text: str) -> None:
    result = normalise(text)
    assert isinstance(result, str)
    assert result == result.strip()
    assert "  " not in result
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in result)


def test_long_input_is_fast_enough() -> None:
    text = ("Jsp trop, c vraiiiii ou c un fake ??? mdrrr 😂 " * 250)[:10_000]
    result = normalise(text)
    assert result.startswith("je sais pas trop, c'est vrai ou c'est un fake ? mdr")


def test_non_string_input_gives_empty_string() -> None:
    assert normalise(None) == ""  # type: ignore[arg-type]  # not a str, on purpose
    assert normalise(42) == ""  # type: ignore[arg-type]  # not a str, on purpose


def test_output_is_lowercase_and_accent_free_for_latin_text() -> None:
    result = normalise("À Ève, Ôscar et Zoé: c'était ÇA, l'œuvre déjà vue")
    assert result == "a eve, oscar et zoe: c'etait ca, l'oeuvre deja vue"
    assert result.isascii()


def test_chunks_align_with_whitespace_split() -> None:
    text = " jsp\u00a0 c vrai\tmdrrr "
    spans = chunk_spans(text)
    assert [text[s:e] for s, e in spans] == text.split()
    outputs = normalise_chunks([text[s:e] for s, e in spans])
    assert outputs == ["je sais pas", "c'est", "vrai", "mdr"]


def test_chunk_outputs_join_to_normalise() -> None:
    text = "C pas ouf, jpense que c un fake 👍 la b"
    chunks = text.split()
    assert " ".join(o for o in normalise_chunks(chunks) if o) == normalise(text)


# ----------------------------------------------------------------- the data itself


def test_data_keys_are_already_folded() -> None:
    for key in DATA.expansions:
        assert key == module.fold(key).strip(), key
        assert " " not in key, key


@pytest.mark.parametrize("key", sorted(DATA.expansions))
def test_expansion_values_are_stable(key: str) -> None:
    """An expansion's output is normal already, so normalising twice changes nothing."""
    value = DATA.expansions[key]
    assert normalise(key) == value
    assert normalise(value) == value


def test_contextual_expansions_are_stable() -> None:
    for rule in DATA.contextual.values():
        assert normalise(rule.expansion + " vrai") == rule.expansion + " vrai"


def test_data_file_is_not_rasa_training_data() -> None:
    import yaml

    raw = yaml.safe_load(module.DATA_PATH.read_text(encoding="utf-8"))
    assert not {"nlu", "rules", "stories", "version", "intents", "responses"} & set(raw)


# ----------------------------------------------------------------- properties

# What is asserted on arbitrary text:
#   * normalise never raises and returns a str with no control/format characters,
#     no leading/trailing whitespace and no double spaces;
#   * idempotence: normalise(normalise(x)) == normalise(x) — the output is a fixed point,
#     so the scorer may normalise text that the tokenizer already normalised (or the
#     reverse) without drifting.
# Hypothesis' default text strategy excludes lone surrogates; they are covered above.

_teen_words = st.sampled_from(
    sorted(DATA.expansions)
    + sorted(DATA.contextual)
    + [
        "la",
        "réponse",
        "ou",
        "je",
        "mdrrr",
        "nooon",
        "bonnnne",
        "?",
        "!!!",
        "😂",
        "👍🏽",
        "C'EST",
        "Ça",
        "œuf",
        "j'crois",
        "jpense",
        "...",
        ",",
        "a",
        "b",
        "d",
    ]
)
_teen_text = st.lists(st.one_of(_teen_words, st.text(min_size=1, max_size=6)), max_size=12).map(
    " ".join
)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_property_any_text(text: str) -> None:
    result = normalise(text)
    assert isinstance(result, str)
    assert result == result.strip()
    assert "  " not in result
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in result)
    assert normalise(result) == result


@settings(max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_teen_text)
def test_property_teen_text_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        (" \t\n", True),
        ("\x1e\x1f\u1680\u3000", True),
        ("\u200b\u200d\ufeff", True),
        ("\u2800", True),
        ("\u3164\u3164", True),
        ("…", False),
        ("🤷", False),
        ("a\x1e", False),
        ("?", False),
    ],
)
def test_is_blank_means_nothing_visible(text: str, blank: bool) -> None:
    assert module.is_blank(text) is blank


_GOOD = module.DATA_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (None, "cannot be read"),  # no file at all
        ("expansions: [oops", "cannot be read"),
        ("- a list\n", "`the file` must be a mapping"),
        ("expansions: {}\n", "sections missing"),
        (_GOOD + "\nslang: {}\n", "unknown: ['slang']"),
        (_GOOD.replace('  "pk": "pourquoi"', '  "pk": [pourquoi]'), "`expansions` must map"),
        (_GOOD.replace('expansion: "j\'ai"', "expansions: x"), "`contextual.g` needs"),
        (_GOOD.replace('    - "m+d+r+"', '    - "m+d+r+("'), "missing )"),
        (_GOOD.replace("  except: [jpeg, jpg, jdr]", "  except: jpeg"), "glued_je.except"),
    ],
)
def test_missing_or_broken_data_is_a_clear_error(
    tmp_path: Path, text: str | None, says: str
) -> None:
    path = tmp_path / "teen_speak.yml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(module.TeenSpeakDataError) as error:
        module._load(path)
    assert str(error.value).startswith(f"{path}: ")
    assert says in str(error.value)


def test_the_data_file_as_shipped_loads() -> None:
    assert module._load(module.DATA_PATH) == DATA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jmontrerais a ma mere", "je montrerais a ma mere"),
        ("jvérifie", "je verifie"),
        ("j'sais pas", "je sais pas"),
        ("j'regarderais", "je regarderais"),
        ("jjverifie", "je je verifie"),
        ("jmdrrr", "je mdr"),
        ("jamais", "jamais"),  # a vowel after the j: a word of its own
        ("journal", "journal"),
        ("j'habite", "j'habite"),
        ("jdr", "jdr"),  # too short
        ("jpeg", "jpeg"),  # listed in glued_je.except
        ("jvx.fr", "jvx.fr"),  # an address
    ],
)
def test_glued_j_is_je_before_a_consonant(text: str, expected: str) -> None:
    assert normalise(text) == expected
