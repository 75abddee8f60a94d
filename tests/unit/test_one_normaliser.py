"""One normaliser: the NLU tokenizer and the free-text scorer read a teen's sentence alike.

Feeds the 200 sentences of tests/support/teen_sentences.yml to the normaliser exactly as the
Rasa tokenizer calls it and to the scorer; never starts Rasa and never writes a file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml

from actions.scoring import _scorer
from nlu.components.normalise import chunk_spans, fold, normalise, normalise_chunks, split_word

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = yaml.safe_load(
    (ROOT / "tests" / "support" / "teen_sentences.yml").read_text(encoding="utf-8")
)["sentences"]
CRITERIA_DATA = yaml.safe_load((ROOT / "actions" / "criteria.yml").read_text(encoding="utf-8"))


def nlu_words(text: str) -> list[str]:
    """The words TeenWhitespaceTokenizer tokenizes: its own calls, chunk by chunk."""
    chunks = [text[start:end] for start, end in chunk_spans(text)]
    return " ".join(normalise_chunks(chunks)).split()


@cache
def spellings() -> dict[str, str]:
    """The scorer's only layer, read from criteria.yml (not from the scorer)."""
    return {
        fold(str(key)).strip(): " ".join(fold(str(value)).split())
        for key, value in CRITERIA_DATA["spellings"].items()
    }


def respelled(word: str) -> str:
    parts = split_word(word)
    return parts.prefix + spellings().get(parts.core, parts.core) + parts.suffix


def test_the_corpus_is_200_teen_sentences_of_every_kind() -> None:
    assert len(SENTENCES) == len(set(SENTENCES)) == 200
    words = {w.lower() for s in SENTENCES for w in s.split()}
    assert {"jsp", "chui", "pk", "pq", "tkt", "mdrrrr", "stppppp"} <= words
    assert sum(bool(re.search(r"([^\W\d_])\1{2,}", s)) for s in SENTENCES) >= 15  # floods
    invisible = [s for s in SENTENCES if any(unicodedata.category(c) == "Cf" for c in s)]
    emoji = [s for s in SENTENCES if any(unicodedata.category(c) == "So" for c in s)]
    assert len(invisible) >= 10
    assert len(emoji) >= 15
    assert sum(s != s.encode("ascii", "ignore").decode() for s in SENTENCES) >= 30


@pytest.mark.parametrize("text", SENTENCES, ids=[str(i) for i in range(len(SENTENCES))])
def test_the_scorer_reads_the_words_the_nlu_reads(text: str) -> None:
    expected = [w for word in nlu_words(text) for w in respelled(word).split()]
    assert _scorer().normalise(text).split() == expected


def test_most_sentences_need_no_scorer_layer_at_all() -> None:
    same = [s for s in SENTENCES if _scorer().normalise(s).split() == nlu_words(s)]
    assert len(same) >= 190
    assert len(same) < len(SENTENCES)  # the corpus does exercise the scorer's layer


def test_the_normaliser_s_word_is_the_nlu_s_word() -> None:
    """normalise() (what distress and the data tests use) is the tokenizer's words joined."""
    for text in SENTENCES:
        assert normalise(text).split() == nlu_words(text)


@pytest.mark.parametrize("key", sorted(CRITERIA_DATA["spellings"]))
def test_every_spelling_is_a_word_the_normaliser_leaves_alone(key: str) -> None:
    """The layer sees normalised words: a key the normaliser rewrites would never match."""
    folded = fold(str(key)).strip()
    assert normalise(folded) == folded
