"""Distress safety net: does a message match a curated distress pattern (nlu/distress_patterns.yml)?

Pure and total, like normalise.py: no Rasa import, no I/O after import, never raises on a str.
The Rasa component (distress_net.py) applies it after the classifiers; the unit tests run it
in the application environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .normalise import normalise

DATA_PATH = Path(__file__).resolve().parent.parent / "distress_patterns.yml"

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_MACRO = re.compile(r"\{([a-z_]+)\}")
_MASK = " _ "


@dataclass(frozen=True)
class DistressMatch:
    """Which pattern matched: its category, its index in that category, and the bare span."""

    category: str
    index: int
    matched: str

    @property
    def pattern_id(self) -> str:
        return f"{self.category}.{self.index}"


@dataclass(frozen=True)
class _Patterns:
    neutralise: tuple[re.Pattern[str], ...]
    patterns: tuple[tuple[str, int, re.Pattern[str]], ...]


def _expand(pattern: str, macros: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise ValueError(f"distress_patterns.yml: unknown macro {{{name}}}")
        return macros[name]

    return _MACRO.sub(replace, pattern)


def _compile(pattern: Any, macros: dict[str, str], where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError(f"distress_patterns.yml: {where} must be a non-empty string")
    try:
        return re.compile(_expand(pattern, macros))
    except re.error as error:
        raise ValueError(f"distress_patterns.yml: {where}: {error}") from error


def load(path: Path = DATA_PATH) -> _Patterns:
    """Read and compile the pattern file; raises ValueError saying what is wrong."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("distress_patterns.yml must be a mapping")
    for key in ("nlu", "rules", "stories", "version"):
        if key in raw:
            raise ValueError(f"distress_patterns.yml must not have a `{key}` key (Rasa data)")
    macros_raw = raw.get("macros") or {}
    if not isinstance(macros_raw, dict):
        raise ValueError("distress_patterns.yml: `macros` must be a mapping")
    macros: dict[str, str] = {}
    for name, value in macros_raw.items():
        if not isinstance(value, str):
            raise ValueError(f"distress_patterns.yml: macro {name} must be a string")
        macros[str(name)] = _expand(value, macros)  # a macro may use the ones above it

    neutralise = tuple(
        _compile(p, macros, f"neutralise[{i}]") for i, p in enumerate(raw.get("neutralise") or [])
    )
    categories = raw.get("patterns")
    if not isinstance(categories, dict) or not categories:
        raise ValueError("distress_patterns.yml: `patterns` must map categories to lists")
    patterns = []
    for category, items in categories.items():
        if not isinstance(items, list) or not items:
            raise ValueError(f"distress_patterns.yml: patterns.{category} must be a list")
        for index, item in enumerate(items):
            patterns.append(
                (str(category), index, _compile(item, macros, f"patterns.{category}[{index}]"))
            )
    return _Patterns(neutralise=neutralise, patterns=tuple(patterns))


PATTERNS = load()


def bare(text: str) -> str:
    """normalise() then keep only letters and digits, words separated by single spaces."""
    if not isinstance(text, str):
        return ""
    return " ".join(_NOT_WORD.sub(" ", normalise(text)).split())


def _neutralised(text: str) -> str:
    for pattern in PATTERNS.neutralise:
        text = pattern.sub(_MASK, text)
    return " ".join(text.split())


def match(text: str) -> DistressMatch | None:
    """The first distress pattern the message matches, or None. Never raises on a str."""
    try:
        prepared = _neutralised(bare(text))
        if not prepared:
            return None
        for category, index, pattern in PATTERNS.patterns:
            found = pattern.search(prepared)
            if found:
                return DistressMatch(category, index, found.group(0))
    except Exception:  # pragma: no cover - defensive: the net must never break a turn
        return None
    return None


def is_distress(text: str) -> bool:
    """True when the message matches a distress pattern."""
    return match(text) is not None
