"""Removes personal data (e-mails, phones, IBANs, addresses, handles, names) from free text.

Applied to anything a learner typed before it can reach a log line; never stores its input.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # the caller loads spaCy; this module never imports it
    from spacy.language import Language

# Order matters: the most specific shapes first, so a later pattern never half-eats one.
PATTERNS: Final[list[tuple[str, re.Pattern[str]]]] = [
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    ("[iban]", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")),
    ("[url]", re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)),
    (
        "[phone]",
        re.compile(r"(?<![\w])(?:\+33[ .-]?|0033[ .-]?|0)[1-9](?:[ .-]?\d{2}){4}(?!\d)"),
    ),
    ("[card]", re.compile(r"\b(?:\d[ -]?){13,19}\b")),
    (
        "[address]",
        re.compile(
            r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|impasse|"
            r"allée|allee|place|route|quai|cours|résidence|residence|lotissement)\b[^,.;\n]{0,40}",
            re.IGNORECASE,
        ),
    ),
    ("[postcode]", re.compile(r"\b(?:0[1-9]|[1-8]\d|9[0-5]|2[AB])\d{3}\b")),
    ("[handle]", re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}")),
]

NameFinder = Callable[[str], list[tuple[int, int]]]


def scrub(text: str, find_names: NameFinder | None = None) -> str:
    """Replace every personal datum found with a bracketed tag ("[email]", "[name]"…)."""
    if find_names is not None:
        for start, end in sorted(find_names(text), reverse=True):
            text = text[:start] + "[name]" + text[end:]
    for tag, pattern in PATTERNS:
        text = pattern.sub(tag, text)
    return text


def spacy_name_finder(nlp: Language) -> NameFinder:
    """Person and place names from a loaded spaCy pipeline with NER (fr_core_news_sm)."""

    def find(text: str) -> list[tuple[int, int]]:
        doc = nlp(text)
        return [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ in {"PER", "LOC"}]

    return find


class ScrubbingFilter(logging.Filter):
    """Scrubs every log record's message and arguments, whatever module emitted it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(str(record.msg))
        if record.args:
            if isinstance(record.args, dict):
                record.args = {k: _scrub_arg(v) for k, v in record.args.items()}
            else:
                record.args = tuple(_scrub_arg(arg) for arg in record.args)
        return True


def _scrub_arg(value: object) -> object:
    return scrub(value) if isinstance(value, str) else value


def install_log_scrubber() -> None:
    """Attach the filter to every handler configured so far (call after logging is set up)."""
    scrubber = ScrubbingFilter()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, ScrubbingFilter) for f in handler.filters):
                handler.addFilter(scrubber)
