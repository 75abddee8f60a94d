"""The typed-button matcher: a typed title (however spelled) names the button on screen."""

from __future__ import annotations

import pytest

from actions import typed_buttons
from actions.conversation import Message, Outcome, State, Turn
from actions.phase import Phase
from scenarios.loader import default_catalogue
from tools import button_titles

MENU = typed_buttons.domain_buttons()["utter_menu"]
SURPRISE = '/choose_option{"choice":"surprise"}'
COLLEGE = '/choose_option{"choice":"college"}'
QUIZ = '/choose_option{"choice":"quiz"}'
OPTIONS = [
    {"title": "A) Le badge bleu sur le compte", "payload": '/choose_option{"choice":"option_x"}'},
    {"title": "B) Chercher l'info ailleurs", "payload": '/choose_option{"choice":"option_y"}'},
]


def payload(text: str, offered: list[dict[str, str]] = MENU) -> str | None:
    button = typed_buttons.match(text, offered)
    return None if button is None else button["payload"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("🎲 Surprends-moi", "surprends moi"),
        ("surprends moi stp", "surprends moi"),
        ("Je veux le QUIZ, stp !!", "quiz"),
        ("jveux le quiz svp", "quiz"),  # teen speak expanded by the shared normaliser
        ("COLLÈGE", "college"),
        ("⚠️ Trompeur", "trompeur"),
        ("1️⃣", "1"),
        ("la b", "b"),
        ("ok", "ok"),  # a filler alone is kept: it names no button
        ("stp", "s il te plait"),
    ],
)
def test_key_folds_what_a_title_may_be_typed_with(typed: str, expected: str) -> None:
    assert typed_buttons.key(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("collège", COLLEGE),
        ("college", COLLEGE),
        ("Collège stp", COLLEGE),
        ("colege", COLLEGE),  # a close spelling
        ("surprends-moi", SURPRISE),
        ("surprendsmoi", SURPRISE),  # hyphen dropped, words glued
        ("au hasard", SURPRISE),  # the plain-language title, and a typed word of `surprise`
        ("le quiz", QUIZ),  # a typed word of `quiz` (answer_words.yml)
        ("📝 Quiz « fiable ou pas ? »", QUIZ),
        ("quiz fiable ou pas", QUIZ),
    ],
)
def test_the_menu_typed(typed: str, expected: str) -> None:
    assert payload(typed) == expected


@pytest.mark.parametrize(
    "typed", ["bonjour", "je veux apprendre", "la", "", "🎲", "c'est vrai ?", "le lycée c'est dur"]
)
def test_what_no_button_says_is_left_to_the_engine(typed: str) -> None:
    assert payload(typed) is None


def test_an_option_by_its_words_its_letter_or_both() -> None:
    assert payload("A) Le badge bleu sur le compte", OPTIONS) == OPTIONS[0]["payload"]
    assert payload("le badge bleu sur le compte", OPTIONS) == OPTIONS[0]["payload"]
    assert payload("chercher l’info ailleurs stp", OPTIONS) == OPTIONS[1]["payload"]
    assert payload("b", OPTIONS) == OPTIONS[1]["payload"]
    assert payload("la B", OPTIONS) == OPTIONS[1]["payload"]
    assert payload("collège", OPTIONS) is None  # not on screen


def test_two_close_buttons_with_different_effects_are_not_guessed() -> None:
    close = [
        {"title": "Partager maintenant", "payload": "/one"},
        {"title": "Partager maintenant!", "payload": "/two"},
        {"title": "Partager mainteant", "payload": "/three"},
    ]
    assert payload("partager maintenan", close) is None


def test_the_same_title_twice_on_screen_is_the_newest_button() -> None:
    later = [
        {"title": "Plus tard", "payload": "/list_scenarios"},
        {"title": "Plus tard", "payload": "/deny"},
    ]
    assert payload("plus tard", later) == "/deny"


def test_a_typed_title_becomes_the_press_of_its_button() -> None:
    state = State(offered=MENU)
    turn = typed_buttons.as_pressed(state, Turn("greet", "Collège stp", message_id="m7"))
    assert turn == Turn("choose_option", COLLEGE, entities={"choice": "college"}, message_id="m7")


def test_distress_and_payloads_are_never_rewritten() -> None:
    state = State(offered=[{"title": "Je partage", "payload": "/one"}])
    distress = Turn("distress", "je partage", message_id="m1")
    assert typed_buttons.as_pressed(state, distress) is distress
    pressed = Turn("choose_option", "/choose_option", message_id="m1")
    assert typed_buttons.as_pressed(state, pressed) is pressed


def test_buttons_stay_on_offer_at_the_same_place_and_go_when_it_changes() -> None:
    before = State(offered=MENU)
    same_place = Outcome(state=before.model_copy(deep=True))
    same_place.messages.append(Message(response="utter_fallback"))
    typed_buttons.remember(before, same_place)
    offered = same_place.state.offered
    assert all(button in offered for button in MENU)
    assert offered[-3:] == typed_buttons.domain_buttons()["utter_fallback"][:3]  # newest last

    moved = Outcome(state=before.model_copy(update={"phase": Phase.QUIZ, "quiz_form": "a"}))
    moved.messages.append(Message(response="utter_quiz_intro"))
    typed_buttons.remember(before, moved)
    assert moved.state.offered == []


def test_the_training_file_of_button_titles_is_up_to_date() -> None:
    """Regenerate with `python -m tools.button_titles`, then `make model`."""
    expected = button_titles.render(default_catalogue())
    assert button_titles.OUTPUT.read_text(encoding="utf-8") == expected


def test_only_the_newest_buttons_are_kept() -> None:
    many = [{"title": f"Scénario {n}", "payload": f"/s{n}"} for n in range(60)]
    before = State(offered=many[:30])
    out = Outcome(state=before.model_copy(deep=True))
    out.messages.append(Message(text="Choisis :", buttons=many[30:]))
    typed_buttons.remember(before, out)
    assert out.state.offered == many[-typed_buttons.MAX_OFFERED :]
