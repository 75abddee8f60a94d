"""The delayed re-test in the engine, in-process with a clock the test moves (no sleeping a
week): asked once after the post-test, yes / no (pressed, typed), not offered before the due
date, offered first at the greeting from it on, form C played and scored, then never again."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from actions.conversation import Outcome, Retest, State, Turn
from actions.engine import Engine
from actions.phase import Phase
from scenarios.loader import default_catalogue
from tests.unit.test_quiz_flow import right, start, take, wrong
from vigie.protocol import RETEST, RETEST_PAYLOAD

CATALOGUE = default_catalogue()
DOMAIN = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text(encoding="utf-8"))
WEEK = timedelta(days=7)


class Clock:
    """UTC time that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def responses(outcome: Outcome) -> list[str | None]:
    return [m.response for m in outcome.messages if m.response or not m.custom]


def retest_messages(outcome: Outcome) -> list[dict]:
    return [m.custom for m in outcome.messages if m.custom and m.custom["type"] == RETEST]


def after_post_test(clock: Clock) -> tuple[Engine, State, Outcome]:
    engine = Engine(CATALOGUE, lambda _text: [], clock)
    state, _ = take(engine, start(engine, State(), "seed"), wrong)
    state, outcomes = take(engine, start(engine, state, "again"), right)
    return engine, state, outcomes[-1]


def pressed(payload: str) -> Turn:
    """A press of a choose_option button, as Rasa passes it."""
    choice = re.search(r'"choice":\s*"(\w+)"', payload)
    assert choice is not None
    return Turn("choose_option", payload, entities={"choice": choice.group(1)})


def test_the_post_test_ends_with_the_question_asked_once() -> None:
    engine, state, last = after_post_test(Clock())
    assert responses(last)[-2:] == ["utter_quiz_change_up", "utter_offer_retest"]
    assert state.retest is Retest.OFFERED and not retest_messages(last)
    # the pre-test does not ask it, and nothing asks it again
    first = take(engine, start(engine, State(), "seed"), right)[1][-1]
    assert "utter_offer_retest" not in responses(first)
    later = engine.handle(state, Turn("greet"))
    assert "utter_offer_retest" not in responses(later)


def test_yes_pressed_sets_the_due_date_a_week_ahead_and_tells_the_channel() -> None:
    clock = Clock()
    engine, state, _ = after_post_test(clock)
    yes = engine.handle(state, Turn("affirm", "/affirm"))
    assert yes.state.retest is Retest.YES
    assert yes.state.retest_due == clock.now + WEEK
    assert retest_messages(yes) == [{"type": RETEST, "due": (clock.now + WEEK).isoformat()}]
    assert responses(yes) == ["utter_retest_yes", "utter_menu"]
    # the due date survives the slot's JSON round trip
    again = State.model_validate(yes.state.model_dump(mode="json"))
    assert again.retest_due == clock.now + WEEK


def test_yes_and_no_typed() -> None:
    engine, state, _ = after_post_test(Clock())
    # the button's title typed (the NLU may read it as anything): that button
    typed = engine.handle(state, Turn("nlu_fallback", "oui"))
    assert typed.state.retest is Retest.YES and retest_messages(typed)
    # another yes, while the question is on screen
    assert engine.handle(state, Turn("affirm", "ouais grave")).state.retest is Retest.YES
    no = engine.handle(state, Turn("nlu_fallback", "non merci"))
    assert no.state.retest is Retest.NO and not retest_messages(no)
    assert responses(no) == ["utter_retest_no", "utter_menu"]


def test_a_yes_elsewhere_is_not_an_answer_to_the_question() -> None:
    engine = Engine(CATALOGUE, lambda _text: [], Clock())
    state = engine.handle(State(), Turn("greet")).state
    assert engine.handle(state, Turn("affirm")).state.retest is None


def test_not_due_before_a_week() -> None:
    clock = Clock()
    engine, state, _ = after_post_test(clock)
    state = engine.handle(state, Turn("affirm", "/affirm")).state
    clock.advance(WEEK - timedelta(minutes=1))
    greeted = engine.handle(state, Turn("greet"))
    assert "utter_offer_retest_due" not in responses(greeted)
    quiz = engine.handle(state, pressed('/choose_option{"choice":"quiz"}'))
    assert responses(quiz) == ["utter_quiz_all_done"]
    early = engine.handle(state, pressed(RETEST_PAYLOAD))
    assert responses(early) == ["utter_retest_not_yet", "utter_menu"]
    assert early.messages[0].variables == {"due": f"{state.retest_due:%d/%m}"}
    assert early.state.quiz_form is None


def test_due_form_c_offered_first_then_played_and_scored() -> None:
    clock = Clock()
    engine, state, _ = after_post_test(clock)
    state = engine.handle(state, Turn("affirm", "/affirm")).state
    clock.advance(WEEK)
    greeted = engine.handle(state, Turn("greet"))
    assert responses(greeted) == ["utter_greet", "utter_offer_retest_due"]
    started = engine.handle(greeted.state, Turn("nlu_fallback", "quiz de rappel"))  # typed
    assert started.state.quiz_form == "c" and started.state.phase is Phase.QUIZ
    assert responses(started) == ["utter_quiz_intro_retest", "utter_quiz_item"]
    state, outcomes = take(engine, started.state, right)
    events = [event for outcome in outcomes for event in outcome.events]
    items = engine.quiz.items("c")
    assert [e.type for e in events] == ["quiz_answered"] * len(items)
    assert {e.fields["scenario"] for e in events} == {"quiz_c"}
    assert [e.fields["step"] for e in events] == [item.id for item in items]
    assert all(e.fields["correct"] and e.fields["points"] == 1 for e in events)
    last = outcomes[-1]
    (done,) = [m for m in last.messages if m.response == "utter_quiz_done_retest"]
    pre, post = (state.quiz.measures(form).discernment for form in state.quiz.order[:2])
    assert done.variables["discernment"] == "100 %"
    assert done.variables["after"] == f"{round(100 * (post or 0))} %"
    assert done.variables["before"] == f"{round(100 * (pre or 0))} %"
    needed = set(re.findall(r"\{(\w+)\}", str(DOMAIN["responses"]["utter_quiz_done_retest"])))
    assert needed <= set(done.variables)
    assert retest_messages(last) == [{"type": RETEST, "due": None}]
    progress = engine.handle(state, Turn("show_progress")).messages
    (shown,) = [m for m in progress if m.response == "utter_progress_quiz_retest"]
    assert shown.variables == {"discernment": done.variables["discernment"]}
    # once
    assert state.retest is Retest.DONE and state.retest_due is None
    clock.advance(WEEK)
    assert "utter_offer_retest_due" not in responses(engine.handle(state, Turn("greet")))
    again = engine.handle(state, pressed(RETEST_PAYLOAD))
    assert responses(again) == ["utter_quiz_all_done"] and again.state.quiz_form is None


def test_the_quiz_menu_choice_gives_form_c_once_due() -> None:
    clock = Clock()
    engine, state, _ = after_post_test(clock)
    state = engine.handle(state, Turn("affirm", "/affirm")).state
    clock.advance(WEEK + timedelta(days=3))
    quiz = engine.handle(state, pressed('/choose_option{"choice":"quiz"}'))
    assert quiz.state.quiz_form == "c"


def test_no_means_no_form_c_ever() -> None:
    clock = Clock()
    engine, state, _ = after_post_test(clock)
    state = engine.handle(state, Turn("deny", "/deny")).state
    clock.advance(3 * WEEK)
    greeted = engine.handle(state, Turn("greet"))
    assert "utter_offer_retest_due" not in responses(greeted)
    late = engine.handle(state, pressed(RETEST_PAYLOAD))
    assert responses(late) == ["utter_quiz_all_done"] and late.state.quiz_form is None


def test_erasure_forgets_the_re_test() -> None:
    clock = Clock()
    engine, state, _ = after_post_test(clock)
    state = engine.handle(state, Turn("affirm", "/affirm")).state
    state = engine.handle(state, Turn("forget_me")).state
    erased = engine.handle(state, Turn("affirm"))
    assert erased.erase and erased.state.retest is None and erased.state.retest_due is None
