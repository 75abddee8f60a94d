"""nlu.rasa_main: a button's payload is parsed without the NLU pipeline, to exactly what Rasa's
graph returns for it; anything else still goes through the graph. Uses the trained model
(`make test` trains it first). Runs in .venv-rasa (stdlib unittest).
"""

from __future__ import annotations

import asyncio
import json
import unittest
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from nlu import rasa_main

MODEL = Path(__file__).resolve().parents[2] / "models" / "vigie.tar.gz"
# Typed text, unknown or malformed payloads: the graph answers these.
THROUGH_THE_GRAPH = [
    "bonjour",
    "c faux jpense",
    "/no_such_intent",
    "/ ",
    "/123",
    "/{}",
]


class PayloadParse(unittest.TestCase):
    processor: MessageProcessor

    @classmethod
    def setUpClass(cls) -> None:
        if not MODEL.exists():
            raise unittest.SkipTest(f"{MODEL} is missing: `make model` (make test trains it)")
        agent = Agent.load(str(MODEL))
        assert agent.processor is not None
        cls.processor = agent.processor

    def both(self, text: str) -> tuple[dict[str, Any], dict[str, Any], int]:
        """(Rasa's parse, ours, how many times ours ran the graph)."""
        message = UserMessage(text, sender_id="test")
        tracker = DialogueStateTracker.from_events("test", [])
        runs = 0
        graph = self.processor.graph_runner
        original_run = graph.run

        def counting_run(*args: Any, **kwargs: Any) -> Any:
            nonlocal runs
            runs += 1
            return original_run(*args, **kwargs)

        theirs = rasa_main._PARSE_WITH_GRAPH(self.processor, message, tracker)
        graph.run = counting_run  # type: ignore[method-assign]
        try:
            ours = rasa_main.parse_message_with_graph(self.processor, message, tracker)
        finally:
            del graph.run
        return theirs, ours, runs

    def payloads(self) -> list[str]:
        intents = [f"/{intent}" for intent in self.processor.domain.intents]
        return [
            *intents,
            '/choose_option{"choice": "b"}',
            '/choose_option{"choice":"a"}',
            '  /choose_option{"choice": "c"}  ',
            '/choose_option{"choice": "b"',  # unclosed: Rasa warns and keeps the intent
            '/choose_option@0.5{"choice": "b"}',
            '/greet{"unknown_entity": "x"}',
            "/choose_option" + json.dumps({"choice": "é"}),
        ]

    def test_a_payload_gives_rasa_parse_without_the_pipeline(self) -> None:
        for text in self.payloads():
            with self.subTest(text=text):
                theirs, ours, runs = self.both(text)
                self.assertEqual(ours, theirs)
                self.assertEqual(runs, 0, "a payload must not run the NLU pipeline")
                named = text.strip()[1:].split("{")[0].split("@")[0]
                self.assertEqual(ours["intent"]["name"], named)

    def test_anything_else_goes_through_the_graph(self) -> None:
        for text in THROUGH_THE_GRAPH:
            with self.subTest(text=text):
                theirs, ours, runs = self.both(text)
                self.assertEqual(runs, 1)
                self.assertEqual(ours, theirs)

    def test_the_processor_parses_through_the_fast_path_once_installed(self) -> None:
        original = MessageProcessor._parse_message_with_graph
        try:
            rasa_main.install()
            parsed = asyncio.run(
                self.processor.parse_message(UserMessage('/choose_option{"choice": "b"}'))
            )
        finally:
            MessageProcessor._parse_message_with_graph = original  # type: ignore[method-assign]
        self.assertEqual(parsed["intent"], {"name": "choose_option", "confidence": 1.0})
        self.assertEqual([e["value"] for e in parsed["entities"]], ["b"])


if __name__ == "__main__":
    unittest.main()
