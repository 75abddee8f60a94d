"""French readability: a heuristic syllable counter and the Kandel–Moles score (Flesch for French).

Compares texts (e.g. `fr` against `falc`); never a verdict on one text or on a learner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VOWELS = "aeiouyàâäéèêëîïôöûùüÿœæ"
_VOWEL_GROUP = re.compile(f"[{VOWELS}]+")
_SENTENCE_END = re.compile(r"(?<!\bM)[.!?…]+(?=[\s»”\"')]|$)")  # not after 'M.' (Monsieur)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_SILENT_FINAL_E = re.compile(f"[^{VOWELS}]es?$")


def _split_group(group: str) -> int:
    """Syllables in one vowel group: a diaeresis, 'é' then a vowel (not a mute e), 'a/o/e' then
    'é' start a new one (naïf, réalité but année, poésie)."""
    count = 1
    for index in range(1, len(group)):
        previous, current = group[index - 1], group[index]
        if (
            current in "ïëüÿ"
            or (previous in "éè" and current in VOWELS and current != "e")
            or (previous in "aoe" and current in "éè")
        ):
            count += 1
        elif current == "y" and 0 < index < len(group) - 1:
            count += 1  # voyage, payer: the y belongs to two syllables
    return count


def _part_syllables(part: str) -> int:
    if part.isdigit():
        return max(1, len(part))  # '2025' is read aloud in several syllables
    letters = "".join(char for char in part if char.isalpha())
    if not letters:
        return 0
    count = sum(_split_group(group) for group in _VOWEL_GROUP.findall(letters))
    if letters.endswith(("qu", "gu")):
        count -= 1  # qu'il, jusqu'à: the u is not heard
    if count > 1 and _SILENT_FINAL_E.search(letters):
        count -= 1  # table, tables: the final e is mute
    return max(0, count)


def syllables(word: str) -> int:
    """Heuristic count of written-French syllables (elisions and hyphens split the parts)."""
    parts = re.split(r"['’\-/]", word.lower())
    return max(1, sum(_part_syllables(part) for part in parts if part))


def words(text: str) -> list[str]:
    """Whitespace tokens that hold a letter or a digit ('l'eau' is one word, '—' is none)."""
    return [token for token in text.split() if _LETTER_OR_DIGIT.search(token)]


def sentences(text: str) -> int:
    """Sentences ended by . ! ? … (a text without a final mark still counts as one)."""
    pieces = [piece for piece in _SENTENCE_END.split(text) if words(piece)]
    return max(1, len(pieces))


@dataclass(frozen=True)
class Counts:
    words: int = 0
    sentences: int = 0
    syllables: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.syllables + other.syllables,
        )

    @property
    def kandel_moles(self) -> float:
        """207 − 1.015 × words/sentences − 73.6 × syllables/words (higher is easier)."""
        if not self.words:
            return 0.0
        return (
            207
            - 1.015 * (self.words / max(1, self.sentences))
            - 73.6 * (self.syllables / self.words)
        )


def count(text: str) -> Counts:
    tokens = words(text)
    if not tokens:
        return Counts()
    return Counts(len(tokens), sentences(text), sum(syllables(token) for token in tokens))


def kandel_moles(text: str) -> float:
    return count(text).kandel_moles
