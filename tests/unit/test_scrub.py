"""The PII scrubber: each kind of personal datum is removed; ordinary answers are kept."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigie.scrub import ScrubbingFilter, scrub, spacy_name_finder


@pytest.mark.parametrize(
    ("text", "secret", "tag"),
    [
        ("écris à zoe.martin@exemple.fr stp", "zoe.martin@exemple.fr", "[email]"),
        ("mon num 06 12 34 56 78", "06 12 34 56 78", "[phone]"),
        ("appelle le +33 6 12 34 56 78", "6 12 34 56 78", "[phone]"),
        ("0612345678 c moi", "0612345678", "[phone]"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189", "3000 6000 0112", "[iban]"),
        ("j'habite 12 rue des Lilas à côté", "rue des Lilas", "[address]"),
        ("suis moi sur @zoe_du_83", "@zoe_du_83", "[handle]"),
        ("carte 4970 1012 3456 7890", "4970 1012 3456 7890", "[card]"),
        ("code postal 34000", "34000", "[postcode]"),
    ],
)
def test_each_kind_of_personal_data_is_removed(text: str, secret: str, tag: str) -> None:
    cleaned = scrub(text)
    assert secret not in cleaned
    assert tag in cleaned


@pytest.mark.parametrize(
    "answer",
    [
        "je regarderais la source et la date du post",
        "je ferais une recherche d'image inversée sur 3 sites",
        "c un fake a 100%",
    ],
)
def test_ordinary_answers_are_kept(answer: str) -> None:
    assert scrub(answer) == answer


@pytest.mark.slow
def test_names_are_removed_with_spacy_ner() -> None:
    import spacy

    nlp = spacy.load("fr_core_news_sm", disable=["parser", "lemmatizer"])
    cleaned = scrub(
        "Je m'appelle Zéphyrine Quallibert et j'habite à Montpellier", spacy_name_finder(nlp)
    )
    assert "Quallibert" not in cleaned and "Montpellier" not in cleaned
    assert "[name]" in cleaned


def test_the_logging_filter_scrubs_messages_and_arguments() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "message from %s: %s", ("zoe@exemple.fr", 3), None
    )
    ScrubbingFilter().filter(record)
    assert "zoe@exemple.fr" not in record.getMessage()


@given(st.text(max_size=500))
def test_scrub_never_raises_and_never_grows_personal_data(text: str) -> None:
    cleaned = scrub(text)
    assert isinstance(cleaned, str)
    assert scrub(cleaned) == cleaned


def test_installed_scrubber_cleans_records_reaching_any_handler() -> None:
    from vigie.scrub import install_log_scrubber

    handler = logging.StreamHandler()
    logger = logging.getLogger("vigie.test.scrub")
    logger.addHandler(handler)
    try:
        install_log_scrubber()
        assert any(isinstance(f, ScrubbingFilter) for f in handler.filters)
    finally:
        logger.removeHandler(handler)
