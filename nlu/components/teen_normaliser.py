"""Rasa 3.6 tokenizer whose tokens carry teen-speak-normalised text (see normalise.py).

Never rewrites the message TEXT: Rasa copies it into `parse_data["text"]`, which the action
server reads as the learner's own words; only the tokens (what featurizers see) change.
"""

from __future__ import annotations

import bisect
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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
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
        try:
            return self._tokenize_normalised(original, attribute)
        except Exception:  # pragma: no cover - a normaliser bug must not break a turn
            return super().tokenize(message, attribute)

    def _tokenize_normalised(self, original: str, attribute: str) -> list[Token]:
        spans = chunk_spans(original)
        outputs = normalise_chunks([original[s:e] for s, e in spans])

        # Join the normalised chunks, remembering where each one sits in both texts.
        pieces: list[str] = []
        placed: list[tuple[int, int, int, int]] = []  # normalised start/end, original start/end
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
            return super().tokenize(Message(data={attribute: original}), attribute)

        tokens = super().tokenize(Message(data={attribute: normalised}), attribute)
        starts = [p[0] for p in placed]
        return [self._map_back(token, placed, starts, original) for token in tokens]

    @staticmethod
    def _map_back(
        token: Token,
        placed: list[tuple[int, int, int, int]],
        starts: list[int],
        original: str,
    ) -> Token:
        first = placed[max(bisect.bisect_right(starts, token.start) - 1, 0)]
        last = placed[max(bisect.bisect_left(starts, token.end) - 1, 0)]
        if not (first[0] <= token.start < first[1] and last[0] < token.end <= last[1]):
            start, end = 0, len(original)  # the tokenizer's whole-text fallback
        elif first is last and first[1] - first[0] == first[3] - first[2]:
            # same length: normalisation changed characters (case, accents), not positions
            start = first[2] + token.start - first[0]
            end = first[2] + token.end - first[0]
        else:
            start, end = first[2], last[3]
        return Token(token.text, start, end, data=token.data, lemma=token.lemma)
