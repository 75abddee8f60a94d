"""nlu.rasa_main: Rasa's check of the action server's answers, with the validator built once,
accepts and refuses exactly what Rasa's own check does. Runs in .venv-rasa (stdlib unittest).
"""

from __future__ import annotations

import unittest

from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from nlu import rasa_main

GOOD = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "vigie_state", "value": {"phase": "idle"}}],
        "responses": [{"text": "Salut", "buttons": [{"title": "A", "payload": "/a"}]}],
    },
    {"events": [{"event": "followup", "name": "action_session_start"}], "responses": []},
]
BAD = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [{"event": "slot"}], "responses": []},  # a slot event needs its name
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["not an object"]},
]


class BuiltOnceValidation(unittest.TestCase):
    def setUp(self) -> None:
        self.action = RemoteAction.__new__(RemoteAction)
        self.original = RemoteAction._validate_action_result

    def tearDown(self) -> None:
        RemoteAction._validate_action_result = self.original  # type: ignore[method-assign]

    def test_install_replaces_rasa_check(self) -> None:
        rasa_main.install()
        self.assertIs(RemoteAction._validate_action_result, rasa_main.validate_action_result)

    def test_accepts_what_rasa_accepts(self) -> None:
        for answer in GOOD:
            self.assertTrue(self.original(self.action, answer))
            self.assertTrue(rasa_main.validate_action_result(self.action, answer))

    def test_refuses_what_rasa_refuses_with_rasa_message(self) -> None:
        for answer in BAD:
            with self.assertRaises(ValidationError):
                self.original(self.action, answer)
            with self.assertRaises(ValidationError) as refused:
                rasa_main.validate_action_result(self.action, answer)
            self.assertIn("Failed to validate Action server response", refused.exception.message)


if __name__ == "__main__":
    unittest.main()
