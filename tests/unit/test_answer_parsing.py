"""Typed answers read as the buttons they stand for."""

from __future__ import annotations

import pytest

from actions.answer_parsing import (
    parse_choice,
    parse_confidence,
    parse_menu,
    parse_share,
    parse_verdict,
)

OPTIONS = ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("c", "c"),
        ("la c", "c"),
        ("C)", "c"),
        ("c'est la b", "b"),
        ("la 3", "c"),
        ("la troisième", "c"),
        ("réponse D", "d"),
        ("la premiere", "a"),
        ("A", "a"),
        ("b ou c", None),
        ("e", None),
        ("je sais pas", None),
        ("", None),
        ("🤔", None),
    ],
)
def test_parse_choice(typed: str, expected: str | None) -> None:
    assert parse_choice(typed, OPTIONS) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3", 3),
        ("4", 4),
        ("pas sûr", 1),
        ("plutôt sûr", 3),
        ("sûr à 100%", 4),
        ("bof", 2),
        ("certaine", 4),
        ("5", None),
        ("jsp", None),
    ],
)
def test_parse_confidence(typed: str, expected: int | None) -> None:
    assert parse_confidence(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("je partage", "partager"),
        ("j'attends", "attendre"),
        ("je le signale", "signaler"),
        ("euh", None),
    ],
)
def test_parse_share(typed: str, expected: str | None) -> None:
    assert parse_share(typed) == expected


def test_parse_menu() -> None:
    assert parse_menu("au hasard") == "surprise"
    assert parse_menu("je suis au lycée") == "lycee"
    assert parse_menu("bonjour") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("vrai", "vrai"),
        ("c'est fiable", "vrai"),
        ("c'est trompeur", "trompeur"),
        ("c vrai mais sorti de son contexte", "trompeur"),
        ("fake", "faux"),
        ("c'est pas vrai", "faux"),
        ("ce n'est pas fiable", "faux"),
        ("invérifiable", "inverifiable"),
        ("on peut pas savoir", "inverifiable"),
        ("c'est de la satire", "satire"),
        ("c'est une blague", "satire"),
        ("jsp", "unsure"),
        ("je ne sais pas si c'est vrai", "unsure"),
        ("c'est vraiment bizarre", None),
        ("ouais", None),
    ],
)
def test_parse_verdict(typed: str, expected: str | None) -> None:
    assert parse_verdict(typed) == expected
