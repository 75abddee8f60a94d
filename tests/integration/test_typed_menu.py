"""Through `/chat`: the menu typed as a new learner types it (« college », « le quiz »,
« au hasard ») does what its buttons do, not the fallback, the greeting or the menu again
(issue 16)."""

from __future__ import annotations

import pytest

from scenarios.loader import default_catalogue
from tests.conftest import Stack
from tests.integration.test_foundation import new_session, say
from tests.play import choose, texts

pytestmark = pytest.mark.integration
CATALOGUE = default_catalogue()


def at_menu(stack: Stack) -> str:
    session = new_session(stack)
    replies = say(stack, session, "/list_scenarios")
    assert any(b["payload"] == choose("college") for m in replies for b in m.get("buttons") or [])
    return session


def titles(replies: list[dict]) -> list[str]:
    return [button["title"] for message in replies for button in message.get("buttons") or []]


def test_college_typed_lists_the_college_scenarios_as_the_button_does(stack: Stack) -> None:
    typed = say(stack, at_menu(stack), "college")
    pressed = say(stack, at_menu(stack), choose("college"))
    assert titles(typed) == titles(pressed)
    assert titles(typed) == [
        s.title.fr for s in CATALOGUE.scenarios.values() if s.level == "college"
    ]


def test_le_quiz_typed_starts_the_quiz(stack: Stack) -> None:
    typed = say(stack, at_menu(stack), "le quiz")
    pressed = say(stack, at_menu(stack), choose("quiz"))
    # the form is drawn per learner: the same question shape, not the same item
    assert titles(typed) == titles(pressed) == ["✅ Fiable", "❌ Pas fiable", "🤷 Je ne sais pas"]


def test_au_hasard_typed_starts_a_scenario(stack: Stack) -> None:
    replies = say(stack, at_menu(stack), "au hasard")
    said = texts(replies)
    assert any(s.title.fr in said for s in CATALOGUE.scenarios.values()), said
