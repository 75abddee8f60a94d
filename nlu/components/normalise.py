"""The one teen-speak normaliser of French chat text, driven by the data in nlu/teen_speak.yml.

Used by the Rasa tokenizer and by the free-text scorer (actions/scoring.py), so both read a
learner's sentence alike. Imports nothing but the standard library and PyYAML (it runs in both
environments); raises TeenSpeakDataError at import if its data file is missing or broken, then
never raises on any str and never does I/O.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_PATH = Path(__file__).resolve().parent.parent / "teen_speak.yml"

# Characters unified before anything else.
_APOSTROPHES = "\u2019\u2018\u201b\u02bc\u02bb\u0060\u00b4\u2032\u2035\uff07"
_QUOTES = "\u00ab\u00bb\u201c\u201d\u201e\u201f\u2033\u2036\u275d\u275e\uff02"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i"}
# Emoji modifiers ignored when looking an emoji up (skin tones, variation selectors).
_EMOJI_MODIFIERS = frozenset([chr(c) for c in range(0x1F3FB, 0x1F400)] + ["\ufe0e", "\ufe0f"])
_TRANSLATE = {ord(c): "'" for c in _APOSTROPHES}
_TRANSLATE.update({ord(c): '"' for c in _QUOTES})
_TRANSLATE.update({ord(c): "-" for c in _DASHES})
_TRANSLATE.update({ord(k): v for k, v in _LIGATURES.items()})

_LETTER_FLOOD = re.compile(r"([^\W\d_])\1{2,}")
_DOUBLE = re.compile(r"([^\W\d_])\1+")
_MAX_FLOOD_RUNS = 4  # above this, floods are reduced to single letters without search
_CONSONANTS = frozenset("bcdfgjklmnpqrstvwxz")  # not h: "j'habite" is "j'" + a vowel sound
_MIN_GLUED = 4  # "jte", "jme" are expansions; a glued "j" needs 3 letters after it


@dataclass(frozen=True)
class _Rule:
    """A single letter expanded only in context (see `contextual` in teen_speak.yml)."""

    expansion: str
    require_next: bool
    not_after: frozenset[str]
    not_before: frozenset[str]


@dataclass(frozen=True)
class _Data:
    expansions: dict[str, str]
    not_je: frozenset[str]
    contextual: dict[str, _Rule]
    laughter: str
    laughter_patterns: tuple[re.Pattern[str], ...]
    emoji: dict[str, str]
    known: frozenset[str]


def fold(text: str) -> str:
    """Clean one string: drop control/format characters, NFKC, lowercase, fold accents."""
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif cat in ("Cf", "Cs", "Cn"):
            continue
        else:
            kept.append(ch)
    text = unicodedata.normalize("NFKC", "".join(kept)).casefold()
    text = text.translate(_TRANSLATE)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if unicodedata.category(ch) != "Mn"
    )
    # Recompose what is not Latin (Hangul, …) and re-apply the cheap steps, which NFC
    # could in theory undo, so that folding a folded string changes nothing.
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    return text


class TeenSpeakDataError(ValueError):
    """nlu/teen_speak.yml is missing or broken: neither the NLU nor the scorer can start."""


_SECTIONS = frozenset(["expansions", "glued_je", "contextual", "laughter", "emoji", "known_words"])


def _strings(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"`{what}` must be a list of strings")
    return value


def _mapping(value: Any, what: str) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"`{what}` must be a mapping")
    return value


def _load(path: Path = DATA_PATH) -> _Data:
    """The data of `path`; TeenSpeakDataError (`path: what`) if it is missing or broken."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise TeenSpeakDataError(f"{path}: cannot be read: {error}") from error
    try:
        return _parse(raw)
    except (ValueError, re.error) as error:
        raise TeenSpeakDataError(f"{path}: {error}") from error


def _parse(raw: Any) -> _Data:
    raw = _mapping(raw, "the file")
    if set(raw) != _SECTIONS:
        missing, unknown = sorted(_SECTIONS - set(raw)), sorted(set(raw) - _SECTIONS)
        raise ValueError(f"sections missing: {missing}, unknown: {unknown}")
    expansions_raw = _mapping(raw["expansions"], "expansions")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in expansions_raw.items()):
        raise ValueError("`expansions` must map strings to strings")
    expansions = {fold(k).strip(): " ".join(fold(v).split()) for k, v in expansions_raw.items()}

    contextual: dict[str, _Rule] = {}
    for letter, spec in _mapping(raw["contextual"], "contextual").items():
        spec = _mapping(spec, f"contextual.{letter}")
        if not isinstance(letter, str) or not isinstance(spec.get("expansion"), str):
            raise ValueError(f"`contextual.{letter}` needs a letter and an `expansion`")
        contextual[fold(letter)] = _Rule(
            expansion=" ".join(fold(spec["expansion"]).split()),
            require_next=bool(spec.get("require_next", True)),
            not_after=frozenset(fold(w) for w in _strings(spec.get("not_after", []), letter)),
            not_before=frozenset(fold(w) for w in _strings(spec.get("not_before", []), letter)),
        )

    # A contextual letter and its expansion must be treated alike in every list, or a
    # second normalisation could decide differently once a neighbour was expanded.
    pairs = [(k, r.expansion.split()) for k, r in contextual.items()]
    for key, rule in list(contextual.items()):
        after, before = set(rule.not_after), set(rule.not_before)
        for letter, words in pairs:
            if letter in after or words[-1] in after:
                after |= {letter, words[-1]}
            if letter in before or words[0] in before:
                before |= {letter, words[0]}
        contextual[key] = _Rule(
            rule.expansion, rule.require_next, frozenset(after), frozenset(before)
        )

    laughter_raw = _mapping(raw["laughter"], "laughter")
    canonical = fold(str(laughter_raw.get("canonical", "mdr")))
    patterns = tuple(
        re.compile(p) for p in _strings(laughter_raw.get("patterns", []), "laughter.patterns")
    )

    emoji = {
        "".join(c for c in str(k) if c not in _EMOJI_MODIFIERS): " ".join(fold(str(v)).split())
        for k, v in _mapping(raw["emoji"], "emoji").items()
    }

    known = frozenset(fold(w) for w in _strings(raw["known_words"], "known_words"))
    glued = _mapping(raw["glued_je"], "glued_je")
    not_je = frozenset(fold(w) for w in _strings(glued.get("except", []), "glued_je.except"))
    return _Data(
        expansions=expansions,
        not_je=not_je,
        contextual=contextual,
        laughter=canonical,
        laughter_patterns=patterns,
        emoji=emoji,
        known=known | frozenset(expansions) | frozenset([canonical]),
    )


DATA = _load()


# --------------------------------------------------------------------------- chunks

# Characters that render as nothing although Unicode calls them letters or symbols: the
# "invisible message" tricks (Braille blank, Hangul fillers).
_BLANK_LOOKING = frozenset("\u2800\u3164\u115f\u1160\uffa0")


def is_blank(text: str) -> bool:
    """True when nothing in `text` is visible: separators, control and format characters only.

    Such a message carries no words for the classifiers (and made Rasa's logistic regression
    fail on its empty feature rows), so the pipeline answers it with the fallback.
    """
    return all(ch in _BLANK_LOOKING or unicodedata.category(ch)[0] in "ZC" for ch in text)


def chunk_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the whitespace-separated chunks of `text` (the unit both sides align on)."""
    spans: list[tuple[int, int]] = []
    start = None
    for i, ch in enumerate(text):
        if ch.isspace():
            if start is not None:
                spans.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _replace_emoji(text: str) -> str:
    out = []
    for ch in text:
        if ch in _EMOJI_MODIFIERS:
            continue
        word = DATA.emoji.get(ch)
        out.append(f" {word} " if word else ch)
    return "".join(out)


@dataclass
class Word:
    prefix: str
    core: str
    suffix: str


def split_word(word: str) -> Word:
    start = 0
    end = len(word)
    while start < end and not word[start].isalnum():
        start += 1
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return Word(word[:start], word[start:end], word[end:])


def _reduce_punctuation(punct: str) -> str:
    """Collapse runs of one punctuation character ("???" → "?"); "...." → "..."."""
    out = []
    for ch, group in itertools.groupby(punct):
        n = len(list(group))
        if ch == ".":
            out.append("..." if n >= 3 else ".")
        else:
            out.append(ch)
    return "".join(out)


def _looks_like_address(core: str) -> bool:
    return any(c in core for c in "./@:\\") or core.startswith("www")


def _is_laughter(core: str) -> bool:
    return bool(core) and any(p.fullmatch(core) for p in DATA.laughter_patterns)


def _reduce_floods(core: str) -> str:
    """nooooon → non, bonnnne → bonne, mercii → merci (see teen_speak.yml, step 2)."""
    if _looks_like_address(core):
        return core
    runs = list(_LETTER_FLOOD.finditer(core))
    if runs:
        singles = _LETTER_FLOOD.sub(r"\1", core)
        best = singles
        if singles not in DATA.known and len(runs) <= _MAX_FLOOD_RUNS:
            for widths in itertools.product((1, 2), repeat=len(runs)):
                parts, last = [], 0
                for run, width in zip(runs, widths, strict=True):
                    parts.append(core[last : run.start()])
                    parts.append(run.group(1) * width)
                    last = run.end()
                parts.append(core[last:])
                candidate = "".join(parts)
                if candidate in DATA.known:
                    best = candidate
                    break
        core = best
    if core not in DATA.known and _DOUBLE.search(core):
        undoubled = _DOUBLE.sub(r"\1", core)
        if len(undoubled) >= 2 and undoubled in DATA.known:
            core = undoubled
    return core


def _expand_core(core: str) -> str:
    """Non-contextual normalisation of a core (steps 2–5 of teen_speak.yml)."""
    if not core:
        return core
    core = _reduce_floods(core)
    if _is_laughter(core):
        return DATA.laughter
    if core in DATA.expansions:
        return DATA.expansions[core]
    return _glued_je(core) or core


def _glued_je(core: str) -> str | None:
    """ "je " + the rest of a "j" glued to a word, or of a "j'" before a consonant, else None."""
    if core.startswith("j'"):
        rest = core[2:]
    elif core.startswith("j") and len(core) >= _MIN_GLUED and core not in DATA.not_je:
        rest = core[1:]
    else:
        return None
    if len(rest) < 2 or rest[0] not in _CONSONANTS or _looks_like_address(core):
        return None
    return "je " + _expand_core(rest)


def _first(text: str) -> str:
    parts = text.split()
    return parts[0] if parts else ""


def _last(text: str) -> str:
    parts = text.split()
    return parts[-1] if parts else ""


def normalise_chunks(chunks: Sequence[str]) -> list[str]:
    """Normalise each whitespace-free chunk, in context; one output string per chunk.

    An output string may be empty (a chunk made only of dropped characters) or contain
    spaces (an expansion). `normalise(text)` is these outputs joined by single spaces.
    """
    # 1. clean each chunk; a chunk may split into several words (NFKC, emoji).
    owners: list[int] = []
    words: list[Word] = []
    for index, chunk in enumerate(chunks):
        for piece in _replace_emoji(fold(chunk)).split():
            owners.append(index)
            words.append(split_word(piece))

    # 2. non-contextual expansion of every core.
    expanded = [_expand_core(w.core) for w in words]

    # 3. contextual single letters, decided on the neighbours' non-contextual forms
    #    (so that normalising twice decides the same way).
    final = list(expanded)
    for i, word in enumerate(words):
        rule = DATA.contextual.get(expanded[i])
        if rule is None or word.prefix or word.suffix:
            continue
        if i + 1 < len(words):
            following = _first(expanded[i + 1])
            if not following or following in rule.not_before:
                continue  # punctuation / emoji next, or a cue that this is an answer letter
        elif rule.require_next:
            continue
        if i > 0 and not words[i - 1].suffix and _last(expanded[i - 1]) in rule.not_after:
            continue
        final[i] = rule.expansion

    # 4. reassemble, collapsing repeated laughter.
    outputs: list[list[str]] = [[] for _ in chunks]
    previous = None
    for i, word in enumerate(words):
        core = final[i]
        if core == DATA.laughter and previous == DATA.laughter and not word.prefix:
            if word.suffix:
                outputs[owners[i]].append(_reduce_punctuation(word.suffix))
            continue
        text = _reduce_punctuation(word.prefix) + core + _reduce_punctuation(word.suffix)
        outputs[owners[i]].append(text)
        previous = core if not word.suffix else None
    return [" ".join(parts) for parts in outputs]


def normalise(text: str) -> str:
    """Lowercase, accent-fold and expand teen speak; see nlu/teen_speak.yml for the rules.

    Never raises on a `str`. "Jsp trop 😅" → "je sais pas trop 😅", "C VRAIIIII" →
    "c'est vrai", "la C !" → "la c !" (an answer letter is left alone).
    """
    if not isinstance(text, str):
        return ""
    try:
        spans = chunk_spans(text)
        outputs = normalise_chunks([text[s:e] for s, e in spans])
        return " ".join(" ".join(o.split()) for o in outputs if o.strip())
    except Exception:  # pragma: no cover - defensive: normalisation must never break a turn
        return " ".join(text.split()).lower()


def normalise_many(texts: Iterable[str]) -> list[str]:
    """Normalise several texts (convenience for batch scoring)."""
    return [normalise(t) for t in texts]
