"""Tags a free-text answer with the verification criteria it demonstrates (docs/architecture.md §3).

Never stores, logs or sends the answer text anywhere, and never raises on any input.
"""

from __future__ import annotations

import functools
import io
import json
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlu.components.normalise import fold, split_word
from nlu.components.normalise import normalise as teen_normalise
from scenarios.schema import Criterion
from vigie.data_files import DataModel, load_yaml

CRITERIA = tuple(criterion.value for criterion in Criterion)
_DATA_PATH = Path(__file__).with_name("criteria.yml")
_MODEL = "fr_core_news_sm"
_MAX_CHARS = 4000  # longer answers are cut: a learner's answer is a few lines
_BATCH_SIZE = 256

# Polarity of a criterion pattern: how a negation around it changes what it shows.
_COUNTS_IF = {"patterns": False, "when_negated": True, "always": None}
_STRONG = "! "  # marks a pattern that overrides the matches it overlaps
_OP = re.compile(r"^(.+?)(\?|\{\d*,\d*\})?$")


# ----------------------------------------------------------------------------- data


class _Negation(DataModel):
    cues: list[str]
    prefix_cues: list[str]
    verb_cues: list[str]
    not_cues: list[str]
    boundaries: list[str]
    complementisers: list[str]
    conditions: list[str]
    subjects: list[str]
    ne: list[str]
    resumptive: list[str]
    window: int

    def scopes(self) -> dict[str, list[str]]:
        """Scope label → the patterns that open (or close) that scope."""
        return {
            "cue": self.cues,
            "prefix_cue": self.prefix_cues,
            "verb_cue": self.verb_cues,
            "not_cue": self.not_cues,
            "boundary": self.boundaries,
            "complementiser": self.complementisers,
            "condition": self.conditions,
        }


class _CriterionPatterns(DataModel):
    patterns: tuple[str, ...] = ()
    when_negated: tuple[str, ...] = ()
    always: tuple[str, ...] = ()

    def by_polarity(self) -> dict[str, tuple[str, ...]]:
        """Polarity (a key of `_COUNTS_IF`) → its patterns."""
        return {"patterns": self.patterns, "when_negated": self.when_negated, "always": self.always}


class CriteriaFile(DataModel):
    """criteria.yml: word classes, spellings, negation scopes, and each criterion's patterns."""

    classes: dict[str, list[str]]
    spellings: dict[str, str]
    negation: _Negation
    ignore: list[str]
    criteria: dict[Criterion, _CriterionPatterns]


# ------------------------------------------------------------------ pattern language


def _alternatives(body: str, classes: Mapping[str, list[str]]) -> list[str]:
    """The folded words of `a|b*|@class`; an unknown class is a mistake in criteria.yml."""
    words: list[str] = []
    for alt in body.split("|"):
        words.extend(classes[alt[1:]] if alt.startswith("@") else [alt])
    return [fold(w) for w in words]


def _body_and_op(spec: str) -> tuple[str, str | None]:
    """A token spec split into its body and its quantifier (`?`, `{1,3}`), if any."""
    match = _OP.match(spec)
    return (spec, None) if match is None else (match[1], match[2])


def _token_spec(spec: str, classes: Mapping[str, list[str]]) -> dict[str, Any]:
    """One token of a data pattern as a spaCy Matcher token pattern."""
    body, op = _body_and_op(spec)
    if body == "_":
        token: dict[str, Any] = {"IS_PUNCT": False}
    elif len(body) > 2 and body.startswith("/") and body.endswith("/"):
        token = {"NORM": {"REGEX": f"^(?:{body[1:-1]})$"}}
    else:
        words = _alternatives(body, classes)
        if any(w.endswith("*") for w in words):
            alts = (re.escape(w[:-1]) + ".*" if w.endswith("*") else re.escape(w) for w in words)
            token = {"NORM": {"REGEX": "^(?:" + "|".join(alts) + ")$"}}
        else:
            token = {"NORM": {"IN": words}}
    if op:
        token["OP"] = op
    return token


def _compile(pattern: str, classes: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    return [_token_spec(spec, classes) for spec in pattern.removeprefix(_STRONG).split()]


def _add_patterns(
    matcher: Matcher, key: str, patterns: Sequence[str], classes: Mapping[str, list[str]]
) -> None:
    """Register patterns under `key`, and the overriding ones (`! …`) under `key !`."""
    for strong in (False, True):
        chosen = [p for p in patterns if p.startswith(_STRONG) == strong]
        if chosen:
            label = f"{key} {_STRONG.strip()}" if strong else key
            matcher.add(label, [_compile(p, classes) for p in chosen])


def _word_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


def _pattern_words(patterns: Iterable[str], classes: Mapping[str, list[str]]) -> set[str]:
    """Words and stems (`verifi*`) the patterns name: the vocabulary typos are corrected to."""
    words: set[str] = set()
    for pattern in patterns:
        for spec in pattern.removeprefix(_STRONG).split():
            body, _op = _body_and_op(spec)
            if body != "_" and not body.startswith("/"):
                words.update(_alternatives(body, classes))
    return words


# ----------------------------------------------------------------------- the scorer


@dataclass
class _Scope:
    """Negation marks of each token of a doc.

    `strict` marks only count negations of the learner's own clause; `loose` ones also count
    a negation inside a subordinate clause ("je dirais qu'il faut pas le partager").
    """

    strict: list[bool]  # a cue before it in its clause covers it
    loose: list[bool]
    strict_cue: list[bool]  # a cue starts here
    loose_cue: list[bool]
    stop: list[bool]  # a clause boundary starts here
    resumes: list[bool]  # … that only resumes a topic: "la date JE LA regarde pas"

    @classmethod
    def empty(cls, n: int) -> _Scope:
        return cls(*([False] * n for _ in range(6)))


@dataclass
class _Walk:
    """State while walking a doc from left to right."""

    active: bool = False  # a negation of the current clause is open
    sub_from: int = -1  # start of the current subordinate clause, or -1
    sub_active: bool = False  # a negation inside the subordinate clause is open
    after_cue: bool = False  # the previous token ends a cue ("jamais j'irais…")

    def reset(self) -> None:
        self.active, self.sub_from, self.sub_active = False, -1, False


class _Speller:
    """Maps a misspelt word to the pattern word or stem it is one edit away from."""

    def __init__(self, pattern_words: Iterable[str], nlp: Language) -> None:
        words = set(pattern_words)
        self.vocabulary = frozenset(w for w in words if len(w) >= 5 and w.isalpha())
        self.deletes = _deletes_index(self.vocabulary)
        self.stems: dict[str, list[str]] = {}
        for stem in sorted(w[:-1] for w in words if w.endswith("*") and len(w) > 6):
            self.stems.setdefault(stem[:2], []).append(stem)
        lemmatizer = nlp.get_pipe("lemmatizer")
        if not isinstance(lemmatizer, Lemmatizer):
            raise TypeError(f"{_MODEL} has no spaCy Lemmatizer (its word list is needed)")
        self.lemma_table = lemmatizer.lookups.get_table("lemma_lookup")
        lemmas = (v for value in self.lemma_table.values() for v in _as_list(value))
        self.known = frozenset(map(fold, lemmas)) | frozenset(map(fold, nlp.Defaults.stop_words))
        self.closest = functools.lru_cache(maxsize=20_000)(self._closest)

    def is_word(self, word: str) -> bool:
        """True if `word` is a French word form the model knows (so it is no typo)."""
        return word in self.known or word in self.lemma_table

    def _closest(self, word: str) -> str:
        if len(word) < 5 or word in self.vocabulary or not word.isalpha() or self.is_word(word):
            return word
        candidates = {c for key in _deletions(word) | {word} for c in self.deletes.get(key, ())}
        matches = sorted(c for c in candidates if c[0] == word[0] and _osa(word, c) <= 1)
        if matches:
            return matches[0]
        stems = self.stems.get(word[:2], []) if len(word) > 6 else []
        if any(word.startswith(stem) for stem in stems):
            return word
        for stem in stems:
            for cut in (len(stem) - 1, len(stem), len(stem) + 1):
                if _osa(word[:cut], stem) <= 1:
                    return stem + word[cut:]
        return word


class _Scorer:
    """The spaCy pipeline, the compiled patterns and the word lists, loaded once."""

    def __init__(self, nlp: Language, data: CriteriaFile) -> None:
        self.nlp = nlp
        self.spellings = {
            fold(k).strip(): " ".join(fold(v).split()) for k, v in data.spellings.items()
        }
        classes = data.classes
        negation = data.negation
        self.subjects = _word_set(negation.subjects)
        self.ne = _word_set(negation.ne)
        self.resumptive = _word_set(negation.resumptive)
        self.window = negation.window
        self.scope_matcher = Matcher(nlp.vocab)
        for label, patterns in negation.scopes().items():
            if patterns:
                self.scope_matcher.add(label, [_compile(p, classes) for p in patterns])
        self.matcher = Matcher(nlp.vocab)
        _add_patterns(self.matcher, "ignore", [_STRONG + p for p in data.ignore], classes)
        all_patterns: list[str] = []
        for code, spec in data.criteria.items():
            for polarity, polarity_patterns in spec.by_polarity().items():
                _add_patterns(self.matcher, f"{code.value} {polarity}", polarity_patterns, classes)
                all_patterns.extend(polarity_patterns)
        self.speller = _Speller(_pattern_words(all_patterns, classes), nlp)

    # --- text normalisation -------------------------------------------------------

    def normalise(self, text: str) -> str:
        """The words of the shared normaliser (the NLU's), then this scorer's own layer: each
        word's core replaced by its `spellings` of criteria.yml ("gogole" → "google")."""
        words = [split_word(w) for w in teen_normalise(text[:_MAX_CHARS]).split()]
        return " ".join(w.prefix + self.spellings.get(w.core, w.core) + w.suffix for w in words)

    def correct_typos(self, doc: Doc) -> None:
        """Set each token's NORM to its folded form, or to the pattern word it misspells."""
        for token in doc:
            token.norm_ = self.speller.closest(token.lower_)

    # --- negation scope -----------------------------------------------------------

    def scope(self, doc: Doc) -> _Scope:
        """Walk the doc once, marking which tokens a negation cue covers."""
        scope = _Scope.empty(len(doc))
        events = {s.start: s for s in filter_spans(self._scope_spans(doc))}
        walk = _Walk()
        i = 0
        while i < len(doc):
            span = events.get(i)
            if span is not None:
                self._event(doc, span, walk, scope)
                end = span.end
                walk.after_cue = span.label_ in ("cue", "prefix_cue")
            else:
                self._plain_token(doc, i, walk, scope)
                end = i + 1
                walk.after_cue = False
            for k in range(i, end):
                scope.strict[k] = walk.active
                scope.loose[k] = walk.active or walk.sub_active
            i = end
        return scope

    def _scope_spans(self, doc: Doc) -> list[Span]:
        return [Span(doc, s, e, label=m) for m, s, e in self.scope_matcher(doc)]

    def _plain_token(self, doc: Doc, i: int, walk: _Walk, scope: _Scope) -> None:
        token = doc[i]
        if token.is_punct:
            walk.reset()
            scope.stop[i] = True
        elif token.norm_ in self.subjects and not (
            i + 1 < len(doc) and doc[i + 1].norm_ in self.ne
        ):
            scope.stop[i] = True
            scope.resumes[i] = i + 1 < len(doc) and doc[i + 1].norm_ in self.resumptive
            if not walk.after_cue and (walk.sub_from < 0 or i - walk.sub_from > 1):
                walk.reset()  # a new clause; but "si je …" stays subordinate

    @staticmethod
    def _event(doc: Doc, span: Span, walk: _Walk, scope: _Scope) -> None:
        label, start = span.label_, span.start
        if label in ("cue", "prefix_cue"):
            backward = label == "cue"  # "je partage pas" negates the verb before the cue
            scope.loose_cue[start] = backward
            if walk.sub_from < 0:
                walk.active, scope.strict_cue[start] = True, backward
            else:
                walk.sub_active = True
        elif label == "verb_cue":
            walk.active = not walk.active and walk.sub_from < 0 and _verb_follows(doc, span.end)
        elif label == "boundary":
            walk.reset()
            scope.stop[start] = True
        elif label in ("complementiser", "condition"):
            if label == "condition":  # "tant que …" ends the clause before it too
                walk.active = False
            walk.sub_from, walk.sub_active = start, False
            scope.stop[start] = True

    def is_negated(self, span: Span, scope: _Scope, loose: bool) -> bool:
        """A match is negated if a cue covers it or follows it closely in its clause."""
        covered, cue = (scope.loose, scope.loose_cue) if loose else (scope.strict, scope.strict_cue)
        if any(covered[span.start : span.end]):
            return True
        j, limit = span.end, span.end + self.window
        while j < min(limit, len(cue)):
            if cue[j]:
                return True
            if scope.stop[j]:
                if not scope.resumes[j]:
                    return False
                limit += 2  # skip the subject and object pronouns
            j += 1
        return False

    # --- criteria -----------------------------------------------------------------

    def criteria(self, doc: Doc) -> list[str]:
        """Sorted codes of the criteria the (normalised, typo-corrected) doc demonstrates."""
        matches = [Span(doc, s, e, label=m) for m, s, e in self.matcher(doc)]
        if not matches:
            return []
        scope = self.scope(doc)
        found: set[str] = set()
        for span in _resolve_overlaps(matches):
            code, polarity, *_ = span.label_.split()
            if code == "ignore":
                continue
            wanted = _COUNTS_IF[polarity]
            if wanted is None or self.is_negated(span, scope, loose=wanted) == wanted:
                found.add(code)
        return sorted(found)

    def score(self, texts: Iterable[str]) -> Iterator[list[str]]:
        """Criteria of each text, in order; a batch goes through spaCy's `pipe`."""
        normalised = (self.normalise(t) if isinstance(t, str) else "" for t in texts)
        for doc in self.nlp.pipe(normalised, batch_size=_BATCH_SIZE):
            self.correct_typos(doc)
            yield self.criteria(doc)


# ----------------------------------------------------------------------- helpers


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def _resolve_overlaps(matches: list[Span]) -> list[Span]:
    """Overriding matches (`! …`) drop the other matches that overlap them without
    containing them (among overriding ones, the longest wins); every other match counts."""
    strong = filter_spans([m for m in matches if m.label_.endswith(_STRONG.strip())])
    weak = [
        m
        for m in matches
        if not m.label_.endswith(_STRONG.strip())
        and all(_disjoint(m, s) or _contains(m, s) for s in strong)
    ]
    return strong + weak


def _disjoint(a: Span, b: Span) -> bool:
    return a.end <= b.start or b.end <= a.start


def _contains(a: Span, b: Span) -> bool:
    return a.start <= b.start and b.end <= a.end and len(a) > len(b)


def _verb_follows(doc: Doc, i: int) -> bool:
    """True if the next non-pronoun token from `i` is a verb ("sans le regarder")."""
    for token in doc[i : i + 3]:
        if token.pos_ in ("VERB", "AUX"):
            return True
        if token.pos_ != "PRON" and token.norm_ not in ("le", "la", "les", "l'", "l", "y", "en"):
            return False
    return False


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _deletes_index(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, set[str]] = {}
    for word in words:
        for key in _deletions(word) | {word}:
            index.setdefault(key, set()).add(word)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def _osa(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance (a transposition counts as one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


@functools.cache
def _scorer() -> _Scorer:
    nlp = spacy.load(_MODEL, exclude=["parser", "ner", "senter"])
    nlp.disable_pipe("lemmatizer")  # kept loaded for its word list, not run
    return _Scorer(nlp, load_yaml(_DATA_PATH, CriteriaFile))


# ----------------------------------------------------------------------- public API


def detect_criteria(text: str) -> list[str]:
    """Sorted codes of the criteria the answer really demonstrates (possibly none)."""
    return next(_scorer().score([text]))


def detect_batch(texts: Iterable[str]) -> list[list[str]]:
    """`detect_criteria` for many answers at once (faster: one spaCy pipe)."""
    return list(_scorer().score(texts))


def main() -> None:
    """Batch interface: one answer per stdin line → one JSON object per stdout line."""
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    lines = (line.removesuffix("\n").removesuffix("\r") for line in stdin)
    pending: deque[str] = deque()  # lines read ahead by spaCy's batching, not yet written

    def remember(source: Iterable[str]) -> Iterator[str]:
        for line in source:
            pending.append(line)
            yield line

    out = sys.stdout.buffer
    for codes in _scorer().score(remember(lines)):
        record = {"text": pending.popleft(), "criteria": codes}
        out.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    out.flush()


if __name__ == "__main__":
    main()
