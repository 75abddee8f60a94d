"""Rasa 3.6 tokenizer whose tokens carry teen-speak-normalised text (see normalise.py).

Never rewrites the message TEXT: Rasa copies it into `parse_data["text"]`, which the action
server reads as the learner's own words; only the tokens (what featurizers see) change.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message

from .normalise import DATA_PATH, chunk_spans, normalise_chunks

_NORMALISED_ATTRIBUTES = (TEXT, ACTION_TEXT)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class TeenWhitespaceTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer over the normalised text, with offsets into the original text.

    Each whitespace chunk of the original text is normalised (in context), the normalised
    chunks are joined and split by WhitespaceTokenizer's own rules, and every token is
    mapped back to the original: character by character when normalisation kept the
    chunk's length (accents, case), else to the whole original chunk (expansions such as
    "jsp" → three tokens "je", "sais", "pas" sharing the span of "jsp"). Entity spans
    therefore stay valid and entity values are read from the original text.
    """

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the normalisation rules or data change, not only this class."""
        digest = hashlib.sha256()
        for path in (DATA_PATH, Path(__file__).with_name("normalise.py")):
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(str(path).encode())
        return digest.hexdigest()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenizes the normalised text; tokens keep spans of the original text."""
        original = message.get(attribute)
        if attribute not in _NORMALISED_ATTRIBUTES or not isinstance(original, str):
            return super().tokenize(message, attribute)

        spans = chunk_spans(original)
        outputs = normalise_chunks([original[s:e] for s, e in spans])

        # Join the normalised chunks, remembering where each one sits.
        pieces: list[str] = []
        placed: list[tuple[int, int, int, int]] = []  # norm start/end, orig start/end
        cursor = 0
        for (start, end), output in zip(spans, outputs, strict=True):
            if not output:
                continue
            if pieces:
                pieces.append(" ")
                cursor += 1
            pieces.append(output)
            placed.append((cursor, cursor + len(output), start, end))
            cursor += len(output)
        normalised = "".join(pieces)
        if not normalised.strip():
            return super().tokenize(message, attribute)

        tokens = super().tokenize(Message(data={attribute: normalised}), attribute)
        return [self._map_back(token, placed, original) for token in tokens]

    @staticmethod
    def _map_back(
        token: Token, placed: list[tuple[int, int, int, int]], original: str
    ) -> Token:
        first = next((p for p in placed if p[0] <= token.start < p[1]), None)
        last = next((p for p in placed if p[0] < token.end <= p[1]), None)
        if first is None or last is None:
            start, end = 0, len(original)
        elif first is last and first[1] - first[0] == first[3] - first[2]:
            # same length: normalisation changed characters, not positions
            start = first[2] + token.start - first[0]
            end = first[2] + token.end - first[0]
        else:
            start, end = first[2], last[3]
        mapped = Token(token.text, start, end, data=token.data, lemma=token.lemma)
        return mapped
