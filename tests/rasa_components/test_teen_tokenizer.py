"""TeenWhitespaceTokenizer: tokens are the shared normaliser's words, spans the typed text's.

Runs in .venv-rasa (stdlib unittest). The same 200 sentences as tests/unit/test_one_normaliser.py
(which checks the scorer's side in the app environment); never trains or writes anything.
"""

from __future__ import annotations

import unittest
from pathlib import Path

import yaml
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from nlu.components.normalise import normalise
from nlu.components.teen_normaliser import TeenWhitespaceTokenizer

SENTENCES = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "support" / "teen_sentences.yml").read_text(
        encoding="utf-8"
    )
)["sentences"]

TOKENIZER = TeenWhitespaceTokenizer(TeenWhitespaceTokenizer.get_default_config())
PLAIN = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())


def tokens(text: str) -> list[tuple[str, int, int]]:
    return [
        (t.text, t.start, t.end) for t in TOKENIZER.tokenize(Message(data={"text": text}), "text")
    ]


class SpanMappingTest(unittest.TestCase):
    def test_an_expansion_shares_the_span_of_what_was_typed(self) -> None:
        self.assertEqual(
            tokens("jsp c vrai"),
            [
                ("je", 0, 3),
                ("sais", 0, 3),
                ("pas", 0, 3),
                ("c", 4, 5),
                ("est", 4, 5),
                ("vrai", 6, 10),
            ],
        )

    def test_same_length_words_map_character_by_character(self) -> None:
        self.assertEqual(
            tokens("Vérifié la SOURCE"), [("verifie", 0, 7), ("la", 8, 10), ("source", 11, 17)]
        )

    def test_a_word_split_by_the_tokenizer_keeps_its_own_characters(self) -> None:
        self.assertEqual(tokens("l'adresse"), [("l", 0, 1), ("adresse", 2, 9)])

    def test_an_invisible_character_widens_the_span_to_the_whole_chunk(self) -> None:
        self.assertEqual(tokens("vé\u200brifier la"), [("verifier", 0, 9), ("la", 10, 12)])

    def test_an_answer_letter_stays_where_it_was_typed(self) -> None:
        self.assertEqual(tokens("la C !"), [("la", 0, 2), ("c", 3, 4)])

    def test_the_message_text_is_never_rewritten(self) -> None:
        message = Message(data={"text": "JSP c vraiiii 😂"})
        TOKENIZER.process([message])
        self.assertEqual(message.get("text"), "JSP c vraiiii 😂")
        self.assertEqual(
            [t.text for t in message.get("text_tokens")],
            ["je", "sais", "pas", "c", "est", "vrai", "mdr"],
        )

    def test_spans_of_200_sentences_stay_inside_the_text_in_order(self) -> None:
        for text in SENTENCES:
            found = tokens(text)
            with self.subTest(text=text):
                self.assertTrue(found)
                starts = [start for _, start, _ in found]
                self.assertEqual(starts, sorted(starts))
                for _, start, end in found:
                    self.assertTrue(0 <= start < end <= len(text))
                    self.assertTrue(text[start:end].strip())


class SameWordsTest(unittest.TestCase):
    def test_the_tokens_of_200_sentences_are_the_normaliser_s_words(self) -> None:
        """What tests/unit/test_one_normaliser.py finds the scorer reads, the NLU reads too."""
        for text in SENTENCES:
            expected = PLAIN.tokenize(Message(data={"text": normalise(text)}), "text")
            with self.subTest(text=text):
                self.assertEqual([t for t, _, _ in tokens(text)], [t.text for t in expected])


if __name__ == "__main__":
    unittest.main()
