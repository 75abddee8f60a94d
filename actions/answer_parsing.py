"""Reads typed answers ("la 2", "b)", "plutôt sûr", "c'est trompeur") as the button they stand for.

Pure functions over data in `answer_words.yml`; never decides whether an answer is right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from scenarios.schema import Verdict
from vigie.data_files import DataModel, load_yaml

WORDS_FILE = Path(__file__).resolve().parent / "answer_words.yml"
_NON_WORD = re.compile(r"[^a-z0-9%° ]+")
Key = TypeVar("Key")


class AnswerWords(DataModel):
    """answer_words.yml: what each typed word stands for, by the button it replaces."""

    fillers: list[str]
    ordinals: dict[Literal["a", "b", "c", "d", "e"], list[str]]
    confidence: dict[Literal[1, 2, 3, 4], list[str]]
    share: dict[Literal["partager", "attendre", "signaler"], list[str]]
    menu: dict[Literal["surprise", "college", "lycee", "resume", "quiz", "manipulator"], list[str]]
    verdicts: dict[Verdict | Literal["unsure"], list[str]]
    button_fillers: list[str]


@cache
def _words() -> AnswerWords:
    return load_yaml(WORDS_FILE, AnswerWords)


def fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into spaces, squeeze spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NON_WORD.sub(" ", bare.replace("’", "'").replace("'", " ")).split())


def _tokens_without_fillers(text: str) -> list[str]:
    fillers = {fold(word) for word in _words().fillers}
    return [token for token in fold(text).split() if token not in fillers]


def _phrase_in(folded: str, phrase: str) -> bool:
    return re.search(rf"(^| ){re.escape(fold(phrase))}( |$)", folded) is not None


def parse_choice(text: str, option_ids: list[str]) -> str | None:
    """The option a typed answer names ("b", "la 2", "réponse C", "la deuxième"), if any."""
    tokens = _tokens_without_fillers(text)
    if not tokens:
        # "c" or "la c": the letter itself is also a filler ("c" for "c'est").
        tokens = [token for token in fold(text).split() if token in option_ids]
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if token in option_ids:
        return token
    for option_id, names in _words().ordinals.items():
        if option_id in option_ids and token in {fold(name) for name in names}:
            return option_id
    return None


def _best_match(text: str, table: Mapping[Key, list[str]]) -> Key | None:
    """The key whose longest phrase occurs in the text (longest wins: "pas sûr" ≠ "sûr")."""
    folded = fold(text)
    best: tuple[int, Key] | None = None
    for key, phrases in table.items():
        for phrase in phrases:
            if _phrase_in(folded, phrase) and (best is None or len(phrase) > best[0]):
                best = (len(phrase), key)
    return None if best is None else best[1]


def parse_confidence(text: str) -> int | None:
    """1–4 from a digit ("3") or words ("plutôt sûr", "certain")."""
    tokens = _tokens_without_fillers(text)
    if len(tokens) == 1 and tokens[0] in {"1", "2", "3", "4"}:
        return int(tokens[0])
    return _best_match(text, _words().confidence)


def parse_share(text: str) -> Literal["partager", "attendre", "signaler"] | None:
    """'partager', 'attendre' or 'signaler' from a typed answer."""
    return _best_match(text, _words().share)


def parse_verdict(text: str) -> Verdict | Literal["unsure"] | None:
    """A verdict of the scale ('vrai', 'trompeur', 'faux', 'inverifiable', 'satire') or 'unsure'
    from typed words (« c'est de la satire », « on peut pas savoir », « jsp »)."""
    return _best_match(text, _words().verdicts)


def parse_menu(text: str) -> str | None:
    """'surprise', 'college', 'lycee', 'resume', 'quiz' or 'manipulator' from a typed answer."""
    return _best_match(text, _words().menu)


def button_fillers() -> list[str]:
    """Words typed around a button's title (« stp », « je veux », « le »), dropped to match it."""
    return _words().button_fillers


def typed_words(choice: str) -> list[str]:
    """The words that stand for the button picking `choice` (« au hasard » for `surprise`,
    « plutôt sûr » for `3`): its phrases in the menu, share, confidence and verdict tables."""
    words = _words()
    tables: list[Mapping[Any, list[str]]] = [
        words.menu,
        words.share,
        words.confidence,
        words.verdicts,
    ]
    return [
        phrase
        for table in tables
        for value, phrases in table.items()
        if str(value) == choice
        for phrase in phrases
    ]


_words()  # fail fast: a malformed answer_words.yml stops the start, not a conversation
