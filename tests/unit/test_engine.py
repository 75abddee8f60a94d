"""The scenario engine as a pure function: flows, scoring, interruptions, typed answers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from actions import points
from actions.conversation import Message, Profile, State, Turn, VerdictRecord
from actions.engine import Engine, bias_label, calibration_label
from actions.phase import Phase
from scenarios.loader import Catalogue, default_catalogue
from scenarios.schema import ChoiceStep, OpenStep, ShareStep, VerdictStep
from tests.play import choose

CATALOGUE = default_catalogue()


def detector(text: str) -> list[str]:
    """A stand-in for the spaCy scorer: criteria named in capitals in the text."""
    return sorted({word for word in text.split() if word in {"SOURCE", "DATE", "LATERAL", "IMAGE"}})


@pytest.fixture
def engine() -> Engine:
    return Engine(CATALOGUE, detector)


def payload_turn(payload: str, text: str | None = None, message_id: str = "m1") -> Turn:
    if payload.startswith("/choose_option"):
        value = json.loads(payload.removeprefix("/choose_option"))["choice"]
        return Turn(
            "choose_option", text or payload, entities={"choice": value}, message_id=message_id
        )
    return Turn(payload.lstrip("/"), text or payload, message_id=message_id)


def play(engine: Engine, state: State, *turns: Turn):
    outcomes = []
    for turn in turns:
        outcome = engine.handle(state, turn)
        state = outcome.state
        outcomes.append(outcome)
    return state, outcomes


def scenario_with(kind: type) -> str:
    for scenario in CATALOGUE.scenarios.values():
        if any(isinstance(s, kind) for s in scenario.steps):
            return scenario.id
    raise AssertionError(f"no scenario with a {kind.__name__}")


def step_index(scenario_id: str, kind: type) -> int:
    steps = CATALOGUE.scenarios[scenario_id].steps
    return next(i for i, s in enumerate(steps) if isinstance(s, kind))


def started(engine: Engine, scenario_id: str, at: type = VerdictStep) -> State:
    """The scenario started, then moved on to its first step of kind `at`."""
    state, (outcome,) = play(engine, State(), payload_turn(choose(scenario_id)))
    assert state.phase is Phase.STEP and state.scenario == scenario_id
    assert outcome.events[0].type == "scenario_started"
    state.step = step_index(scenario_id, at)
    return state


def responses(outcome) -> list[str]:
    return [m.response for m in outcome.messages if m.response]


def without_turn(response: str) -> str:
    """utter_feedback_right_2 → utter_feedback_right (the opener's turn aside)."""
    return re.sub(r"_\d+$", "", response)


def score_of(outcome) -> dict:
    (score,) = [m.custom for m in outcome.messages if m.custom and m.custom["type"] == "score"]
    return score


def test_greet_offers_the_pre_quiz_to_a_new_learner_and_the_menu_afterwards(
    engine: Engine,
) -> None:
    assert responses(engine.handle(State(), Turn("greet", "salut"))) == [
        "utter_greet",
        "utter_offer_quiz",
    ]
    seasoned = State(profile=Profile(results={"x": [1, 2]}))
    assert responses(engine.handle(seasoned, Turn("greet", "wsh"))) == ["utter_greet", "utter_menu"]


def answer_quiz(engine: Engine, state: State, right: bool):
    items = engine.quiz.items(state.quiz_form)
    outcomes = []
    for item in items:
        judged_true = item.reliable if right else not item.reliable
        state, (outcome,) = play(
            engine, state, Turn("answer_true" if judged_true else "answer_false")
        )
        outcomes.append(outcome)
    return state, outcomes


def test_pre_quiz_then_post_quiz_on_the_other_form_with_gain(engine: Engine) -> None:
    state, (intro,) = play(engine, State(), payload_turn(choose("quiz"), message_id="seed"))
    assert state.phase is Phase.QUIZ and responses(intro)[-1] == "utter_quiz_item"
    pre_form = state.quiz_form
    state, outcomes = answer_quiz(engine, state, right=False)
    assert "utter_quiz_done_pre" in responses(outcomes[-1]) and state.phase is Phase.IDLE
    events = [e for o in outcomes for e in o.events]
    assert len(events) == len(engine.quiz.items(pre_form))
    assert {e.fields["scenario"] for e in events} == {f"quiz_{pre_form}"}
    assert all(e.fields["correct"] is False for e in events)
    state, _ = play(engine, state, payload_turn(choose("quiz"), message_id="other"))
    assert state.quiz_form != pre_form
    state, outcomes = answer_quiz(engine, state, right=True)
    done = next(m for m in outcomes[-1].messages if m.response == "utter_quiz_done_post")
    assert done.variables["gain"] == "+100 points"
    _, (again,) = play(engine, state, payload_turn(choose("quiz")))
    assert responses(again) == ["utter_quiz_all_done"]


def test_quiz_survives_distress_and_stop(engine: Engine) -> None:
    state, _ = play(engine, State(), payload_turn(choose("quiz")))
    state, _ = play(engine, state, Turn("answer_true"))
    state, (distress, resumed) = play(
        engine, state, Turn("distress"), payload_turn(choose("resume"))
    )
    assert responses(distress) == ["utter_offer_resume"]
    assert state.phase is Phase.QUIZ and state.quiz_index == 1
    assert resumed.messages[-1].variables["number"] == 2


def test_start_presents_item_then_first_question(engine: Engine) -> None:
    scenario = CATALOGUE.scenarios[scenario_with(OpenStep)]
    outcome = engine.handle(State(), payload_turn(choose(scenario.id)))
    # the item, then ONE bubble: the title and the first question (the open step)
    assert responses(outcome) == ["utter_item", "utter_scenario_intro"]
    intro = outcome.messages[-1].variables
    assert intro["title"] == scenario.title.fr
    assert intro["prompt"] == scenario.steps[0].prompt.fr


@pytest.mark.parametrize(
    ("right", "confidence", "expected"),
    [(True, 4, 4), (True, 1, 2), (False, 4, 0), (False, 1, 1)],
)
def test_verdict_points_weigh_confidence(
    engine: Engine, right: bool, confidence: int, expected: int
) -> None:
    scenario_id = scenario_with(OpenStep)
    reliable = CATALOGUE.scenarios[scenario_id].item.reliable
    verdict = "answer_true" if reliable == right else "answer_false"
    state = started(engine, scenario_id)
    state, (_, scored) = play(
        engine, state, Turn(verdict, "x"), payload_turn(choose(str(confidence)))
    )
    score = score_of(scored)
    assert (score["points"], score["max_points"]) == (expected, 4)
    assert scored.events[0].fields["correct"] is right


def test_typed_confidence_words_are_understood(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    state, (_, scored) = play(
        engine, state, Turn("answer_false", "c un fake"), Turn("nlu_fallback", "plutôt sûr")
    )
    assert scored.events[0].fields["confidence"] == 3


@pytest.mark.parametrize(
    ("turn", "expected"),
    [
        (Turn("choose_option", "3", entities={"choice": "c"}), 3),
        (Turn("answer_unsure", "pas sûr du tout"), 1),
        (Turn("answer_unsure", "jsp"), 1),
        (Turn("nlu_fallback", "grave sûr"), 4),
    ],
)
def test_typed_confidence_beats_the_nlu_reading(engine: Engine, turn: Turn, expected: int) -> None:
    state = started(engine, scenario_with(OpenStep))
    state, (_, scored) = play(engine, state, Turn("answer_false", "fake"), turn)
    assert scored.events[0].fields["confidence"] == expected


def test_changing_the_verdict_at_the_confidence_question(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    state, _ = play(
        engine, state, Turn("answer_false", "fake"), Turn("answer_true", "non en fait c vrai")
    )
    assert state.phase is Phase.CONFIDENCE and state.verdict == "vrai"


def test_unsure_verdict_skips_confidence_and_gets_honesty_credit(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    verdict_step = state.step
    state, (outcome,) = play(engine, state, Turn("answer_unsure", "jsp"))
    assert score_of(outcome)["points"] == 1
    assert state.step == verdict_step + 1


def test_unrelated_message_in_a_step_keeps_the_place(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    state2, (outcome,) = play(engine, state, Turn("greet", "coucou"))
    assert (state2.scenario, state2.step, state2.phase) == (state.scenario, state.step, Phase.STEP)
    assert responses(outcome)[-1] == "utter_step_verdict"


def test_distress_pauses_and_offers_to_resume_then_resume_works(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    verdict_step = state.step
    state, (distress, resumed) = play(
        engine, state, Turn("distress", "..."), payload_turn(choose("resume"))
    )
    assert [e.type for e in distress.events] == ["distress"]
    assert distress.events[0].fields == {}
    assert responses(distress) == ["utter_offer_resume"]
    assert state.phase is Phase.STEP and state.step == verdict_step
    assert responses(resumed)[-1] == "utter_step_verdict"


def test_open_answer_is_scored_on_detected_criteria(engine: Engine) -> None:
    scenario = CATALOGUE.scenarios[scenario_with(OpenStep)]
    state = started(engine, scenario.id)
    open_index = next(i for i, s in enumerate(scenario.steps) if isinstance(s, OpenStep))
    state.step = open_index
    step = scenario.steps[open_index]
    answer = " ".join(["je regarde", *step.expected[:1]])
    state, (outcome,) = play(engine, state, Turn("out_of_scope", answer))
    score = score_of(outcome)
    assert score["criteria_expected"] == sorted(step.expected)
    if step.expected[0] in {"SOURCE", "DATE", "LATERAL", "IMAGE"}:
        assert score["criteria_found"] == [step.expected[0]]
        assert score["points"] == 2


@pytest.mark.parametrize(
    ("typed", "response"),
    [("SOURCE", "utter_open_some"), ("rien", "utter_open_none"), ("ALL", "utter_open_all")],
)
def test_open_feedback_is_one_bubble(typed: str, response: str) -> None:
    engine = Engine(CATALOGUE, lambda text: [w for w in text.split() if w.isupper()])
    scenario = CATALOGUE.scenarios[scenario_with(OpenStep)]
    step = scenario.steps[step_index(scenario.id, OpenStep)]
    assert "SOURCE" in step.expected and len(step.expected) > 1
    state = started(engine, scenario.id, at=OpenStep)
    answer = " ".join(step.expected) if typed == "ALL" else typed
    _, (outcome,) = play(engine, state, Turn("out_of_scope", f"je regarde {answer}"))
    (feedback, _asked_next) = [m for m in outcome.messages if m.response]
    assert feedback.response == response
    assert feedback.variables["feedback"] == step.model_answer.fr


def test_navigation_intent_with_low_confidence_in_open_step_is_an_answer(engine: Engine) -> None:
    scenario = CATALOGUE.scenarios[scenario_with(OpenStep)]
    state = started(engine, scenario.id)
    state.step = next(i for i, s in enumerate(scenario.steps) if isinstance(s, OpenStep))
    _, (outcome,) = play(engine, state, Turn("skip", "je chercherais SOURCE", confidence=0.3))
    assert score_of(outcome)["step"] == scenario.steps[state.step].id


@pytest.mark.parametrize("text", ["…", "🤷", "\u2800", "?!"])
def test_an_open_answer_without_words_is_asked_again_not_scored(engine: Engine, text: str) -> None:
    scenario = CATALOGUE.scenarios[scenario_with(OpenStep)]
    state = started(engine, scenario.id)
    state.step = next(i for i, s in enumerate(scenario.steps) if isinstance(s, OpenStep))
    after, (outcome,) = play(engine, state, Turn("nlu_fallback", text))
    assert outcome.events == []
    assert responses(outcome) == ["utter_answer_open_help", "utter_step_open"]
    assert (after.step, after.phase) == (state.step, Phase.STEP)


def test_hints_cost_a_point_and_run_out(engine: Engine) -> None:
    scenario = CATALOGUE.scenarios[scenario_with(OpenStep)]
    state = started(engine, scenario.id)
    hints = len(scenario.steps[state.step].hints)
    turns = [Turn("ask_hint", "un indice")] * (hints + 1)
    state, outcomes = play(engine, state, *turns)
    assert "utter_no_more_hints" in responses(outcomes[-1])
    assert state.hints == hints
    reliable = scenario.item.reliable
    _, (_, scored) = play(
        engine,
        state,
        Turn("answer_true" if reliable else "answer_false"),
        payload_turn(choose("4")),
    )
    assert score_of(scored)["points"] == max(0, 4 - hints)


def test_skip_scores_zero_and_moves_on(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    skipped = state.step
    state, (outcome,) = play(engine, state, Turn("skip", "passe"))
    assert state.step == skipped + 1
    assert outcome.events[0].fields["points"] == 0


# Each navigation intent, during a verdict step: the first reply says which handler ran.
NAVIGATION_REPLIES = {
    "ask_hint": "utter_hint",
    "repeat": "utter_item",
    "skip": "utter_skipped",
    "stop": "utter_paused",
    "show_progress": "utter_progress",
    "plain_language": "utter_plain_on",
    "forget_me": "utter_confirm_forget",
    "ask_credential": "utter_credential_no_badge",  # docs/badges.md; this learner has none
}


@pytest.mark.parametrize(("intent", "reply"), NAVIGATION_REPLIES.items())
def test_each_navigation_intent_reaches_its_own_handler(
    engine: Engine, intent: str, reply: str
) -> None:
    state = started(engine, scenario_with(VerdictStep))
    _, (outcome,) = play(engine, state, Turn(intent, intent))
    assert responses(outcome)[0] == reply


def test_the_navigation_table_is_the_domain_s_navigation_intents(engine: Engine) -> None:
    """An intent missing from the table, or misspelled in it, would be read as an answer."""
    domain = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text("utf-8"))
    assert set(engine.navigation) == set(NAVIGATION_REPLIES)
    assert set(engine.navigation) <= set(domain["intents"])


def test_the_quiz_does_not_import_the_engine() -> None:
    """The conversation types live in actions/conversation.py: no engine ↔ quiz_flow circle."""
    code = (
        "import sys; from actions.conversation import Turn; from actions import quiz_flow; "
        "quiz_flow.judged_reliable(Turn('answer_true')); print('actions.engine' in sys.modules)"
    )
    root = Path(__file__).parents[2]
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "False"


def test_stop_then_resume_from_menu(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    state, (paused, menu, resumed) = play(
        engine,
        state,
        Turn("stop", "stop"),
        Turn("start_training", "on commence"),
        Turn("affirm", "oui"),
    )
    assert responses(paused) == ["utter_paused"]
    assert responses(menu) == ["utter_menu_resume"]
    assert responses(resumed)[0] == "utter_resume"
    assert state.phase is Phase.STEP


@pytest.mark.parametrize(
    "typed",
    ["b", "la b", "B)", "la 2", "la deuxième", "réponse B", "je dirais la b", "c'est la b"],
)
def test_typed_choice_answers(engine: Engine, typed: str) -> None:
    scenario_id = scenario_with(ChoiceStep)
    scenario = CATALOGUE.scenarios[scenario_id]
    state = started(engine, scenario_id)
    state.step = next(i for i, s in enumerate(scenario.steps) if isinstance(s, ChoiceStep))
    _, (outcome,) = play(engine, state, Turn("nlu_fallback", typed))
    step = scenario.steps[state.step]
    option_b = step.options[1]
    assert score_of(outcome)["points"] == (3 if option_b.correct else 0)


@pytest.mark.parametrize(
    ("typed", "choice"),
    [("je partage", "partager"), ("j'attends", "attendre"), ("je le signale", "signaler")],
)
def test_typed_share_answers(engine: Engine, typed: str, choice: str) -> None:
    scenario_id = scenario_with(ShareStep)
    scenario = CATALOGUE.scenarios[scenario_id]
    state = started(engine, scenario_id)
    state.step = next(i for i, s in enumerate(scenario.steps) if isinstance(s, ShareStep))
    _, (outcome,) = play(engine, state, Turn("nlu_fallback", typed))
    option = next(o for o in scenario.steps[state.step].options if o.choice == choice)
    assert score_of(outcome)["points"] == (2 if option.good else 0)


def test_two_fallbacks_in_a_row_offer_the_menu(engine: Engine) -> None:
    _, (first, second) = play(
        engine, State(), Turn("nlu_fallback", "blabla"), Turn("out_of_scope", "météo")
    )
    assert responses(first) == ["utter_fallback"]
    assert responses(second) == ["utter_fallback_menu", "utter_menu"]


def test_two_repeats_offer_plain_language(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    state, (_, second, plain) = play(
        engine, state, Turn("repeat"), Turn("repeat"), Turn("plain_language")
    )
    assert responses(second) == ["utter_offer_plain"]
    assert state.plain and "utter_plain_on" in responses(plain)


def test_forget_me_asks_then_erases(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    state, (ask, cancel) = play(engine, state, Turn("forget_me"), Turn("deny"))
    assert responses(ask) == ["utter_confirm_forget"] and not cancel.erase
    assert state.phase is Phase.STEP
    state, (_, erased) = play(engine, state, Turn("forget_me"), Turn("affirm"))
    assert erased.erase and state == State()


def test_a_full_scenario_completes_with_debrief(engine: Engine) -> None:
    from tests.play import right_answers

    scenario = CATALOGUE.scenarios[scenario_with(OpenStep)]
    state = started(engine, scenario.id, at=OpenStep)
    last = None
    for _step, messages in right_answers(scenario):
        for message in messages:
            turn = (
                payload_turn(message) if message.startswith("/") else Turn("out_of_scope", message)
            )
            state, (last,) = play(engine, state, turn)
    # two bubbles: the score with the debrief and the method, then the resources with what next
    assert responses(last)[-2:] == ["utter_debrief", "utter_next"]
    debrief, after = last.messages[-2:]
    assert debrief.variables == {
        "points": state.profile.results[scenario.id][0],
        "max_points": state.profile.results[scenario.id][1],
        "emotion": scenario.emotion.fr,
        "debrief": scenario.debrief.fr,
        "method": scenario.fact_checker.fr,
    }
    assert all(r.url in after.variables["resources"] for r in scenario.resources)
    assert state.phase is Phase.IDLE and scenario.id in state.profile.results
    assert [e.type for e in last.events][-1] == "scenario_completed"


def test_bias_and_calibration_labels() -> None:
    """Labels come from scenarios/measures.py: a lean or a confidence gap needs enough verdicts."""
    two = Profile(
        verdicts=[
            VerdictRecord(reliable=False, judged_reliable=False, confidence=4),
            VerdictRecord(reliable=True, judged_reliable=False, confidence=4),
        ]
    )
    assert bias_label(two) == "balanced"  # two verdicts prove no lean
    distrustful = Profile(verdicts=two.verdicts * 4)
    assert bias_label(distrustful) == "distrustful"
    assert calibration_label(distrustful.verdicts) == "overconfident"
    credulous = Profile(
        verdicts=[
            VerdictRecord(reliable=False, judged_reliable=True, confidence=1),
            VerdictRecord(reliable=True, judged_reliable=True, confidence=4),
        ]
        * 4
    )
    assert bias_label(credulous) == "credulous"
    assert bias_label(Profile()) == "unknown"


# ----- the item, shown once --------------------------------------------------------------------


def item_messages(outcome) -> list:
    return [m for m in outcome.messages if m.response == "utter_item" or m.image or m.custom]


def test_an_item_with_a_picture_is_one_item_message(engine: Engine) -> None:
    scenario = next(s for s in CATALOGUE.scenarios.values() if s.item.image is not None)
    outcome = engine.handle(State(), payload_turn(choose(scenario.id)))
    (item,) = item_messages(outcome)
    assert item.image == scenario.item.image.file and item.custom["type"] == "item"
    caption = item.custom["caption"]
    assert caption.startswith(scenario.item.author) and caption.endswith(scenario.item.date)
    assert item.custom["alt"].split("\n") == [
        caption,
        f"« {scenario.item.text.fr} »",
        scenario.item.image.alt,
    ]


def test_an_item_without_a_picture_is_one_text_bubble(engine: Engine) -> None:
    scenario = next(s for s in CATALOGUE.scenarios.values() if s.item.image is not None)
    bare = scenario.model_copy(update={"item": scenario.item.model_copy(update={"image": None})})
    engine = Engine(Catalogue(scenarios={bare.id: bare}, quiz=None), detector)
    outcome = engine.handle(State(), payload_turn(choose(bare.id)))
    (item,) = item_messages(outcome)
    assert item.response == "utter_item" and item.custom is None and item.image is None


class Dispatcher:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def utter_message(self, **kwargs) -> None:
        self.messages.append({k: v for k, v in kwargs.items() if v is not None})


@pytest.mark.parametrize("picture_exists", [True, False])
def test_the_action_sends_the_item_once(engine: Engine, picture_exists: bool) -> None:
    from actions.actions import render
    from actions.settings import ActionSettings

    scenario = next(s for s in CATALOGUE.scenarios.values() if s.item.image is not None)
    outcome = engine.handle(State(), payload_turn(choose(scenario.id)))
    (item,) = item_messages(outcome)
    if not picture_exists:
        item = Message(response=item.response, variables=item.variables, image="absent.png")
        item = replace(item, custom={"type": "item", "alt": "x", "caption": "y"})
    dispatcher, settings = Dispatcher(), ActionSettings()
    render(item, dispatcher, settings)
    (sent,) = dispatcher.messages
    if picture_exists:
        url = f"{settings.base_url}/scenario-images/{scenario.item.image.file}"
        assert sent == {"json_message": {**item.custom, "image": url}}
    else:
        assert sent["response"] == "utter_item" and "json_message" not in sent


# ----- options shuffled per learner and attempt -------------------------------------------------


def choice_prompt(outcome) -> Message:
    (asked,) = [m for m in outcome.messages if m.text and m.buttons]
    return asked


def first_choice_step(scenario_id: str) -> ChoiceStep:
    return CATALOGUE.scenarios[scenario_id].steps[step_index(scenario_id, ChoiceStep)]


def shown_at_choice(engine: Engine, scenario_id: str, message_id: str) -> tuple[State, Message]:
    state, _ = play(engine, State(), payload_turn(choose(scenario_id), message_id=message_id))
    state.step = step_index(scenario_id, ChoiceStep)
    state, (outcome,) = play(engine, state, Turn("repeat"))
    return state, choice_prompt(outcome)


def labels_shown(asked: Message) -> list[str]:
    return [button["title"].split(") ", 1)[1] for button in asked.buttons]


def test_two_attempts_see_the_options_in_different_orders(engine: Engine) -> None:
    scenario_id = scenario_with(ChoiceStep)
    orders = {
        tuple(labels_shown(shown_at_choice(engine, scenario_id, f"m{n}")[1])) for n in range(8)
    }
    assert len(orders) > 1
    stored = [o.label.fr for o in first_choice_step(scenario_id).options]
    assert all(sorted(order) == sorted(stored) for order in orders)


def test_the_order_is_stable_when_the_step_is_asked_again(engine: Engine) -> None:
    scenario_id = scenario_with(ChoiceStep)
    state, asked = shown_at_choice(engine, scenario_id, "m7")
    _, (again,) = play(engine, state, Turn("ask_hint", "un indice"))
    assert choice_prompt(again).buttons == asked.buttons


def test_text_lines_and_buttons_follow_the_displayed_order(engine: Engine) -> None:
    scenario_id = scenario_with(ChoiceStep)
    _, asked = shown_at_choice(engine, scenario_id, "m3")
    lines = asked.text.split("\n")[1:]
    labels = labels_shown(asked)
    assert lines == [f"{letter}) {label}" for letter, label in zip("abcde", labels, strict=False)]
    assert [b["title"][0] for b in asked.buttons] == list("ABCDE"[: len(labels)])


@pytest.mark.parametrize("typed", ["b", "la 2", "la deuxième", "B)"])
def test_typed_answers_follow_the_displayed_order(engine: Engine, typed: str) -> None:
    scenario_id = scenario_with(ChoiceStep)
    step = first_choice_step(scenario_id)
    for n in range(8):  # whatever the order, the option shown second is the one chosen
        state, asked = shown_at_choice(engine, scenario_id, f"m{n}")
        second = next(o for o in step.options if o.label.fr == labels_shown(asked)[1])
        _, (outcome,) = play(engine, state, Turn("nlu_fallback", typed))
        assert second.feedback.fr == outcome.messages[0].variables["feedback"]


def test_a_button_names_its_option_wherever_it_is_shown(engine: Engine) -> None:
    scenario_id = scenario_with(ChoiceStep)
    step = first_choice_step(scenario_id)
    state, asked = shown_at_choice(engine, scenario_id, "m5")
    pressed = asked.buttons[-1]
    option = next(o for o in step.options if o.label.fr == labels_shown(asked)[-1])
    _, (outcome,) = play(engine, state, payload_turn(pressed["payload"]))
    assert outcome.messages[0].variables["feedback"] == option.feedback.fr
    expected = "utter_feedback_right" if option.correct else "utter_feedback_wrong"
    assert without_turn(outcome.messages[0].response) == expected


# ----- the verdict scale -------------------------------------------------------------------------


def nuanced_engine(verdict: str, also: list[str]) -> tuple[Engine, str]:
    """An engine on one catalogue scenario whose item has the given verdict."""
    scenario = CATALOGUE.scenarios[scenario_with(OpenStep)]
    item = scenario.item.model_copy(update={"verdict": verdict, "also_accepted": also})
    nuanced = scenario.model_copy(update={"item": item})
    return Engine(Catalogue(scenarios={nuanced.id: nuanced}, quiz=None), detector), nuanced.id


@pytest.mark.parametrize(
    ("answer", "response", "points_at_4", "correct"),
    [
        ("trompeur", "utter_feedback_right", 4, True),  # the fact-checker's verdict
        ("inverifiable", "utter_feedback_right", 4, True),  # also accepted
        ("faux", "utter_feedback_partial", 3, True),  # right side, another verdict
        ("vrai", "utter_feedback_wrong", 0, False),  # wrong side
    ],
)
def test_verdict_scale_scoring(answer: str, response: str, points_at_4: int, correct: bool) -> None:
    engine, scenario_id = nuanced_engine("trompeur", ["inverifiable"])
    state = started(engine, scenario_id)
    state, (_, scored) = play(
        engine, state, payload_turn(choose(answer)), payload_turn(choose("4"))
    )
    (feedback,) = [m for m in scored.messages if m.response and m.response.startswith("utter_")]
    assert without_turn(feedback.response) == response
    assert feedback.variables["verdict"] == "Trompeur"
    step = CATALOGUE.scenarios[scenario_id].steps[step_index(scenario_id, VerdictStep)]
    expected = step.feedback_wrong if response == "utter_feedback_wrong" else step.feedback_correct
    assert feedback.variables["feedback"] == expected.fr
    assert score_of(scored)["points"] == points_at_4
    assert scored.events[0].fields["correct"] is correct
    assert state.profile.verdicts[-1].judged_reliable is (answer == "vrai")


def test_exact_beats_side_beats_wrong_at_every_confidence() -> None:
    for confidence in (1, 2, 3, 4):
        exact, side, wrong = (
            points.verdict(judgement, confidence)
            for judgement in (points.Judgement.EXACT, points.Judgement.SIDE, points.Judgement.WRONG)
        )
        assert exact >= side > wrong
    assert sum(points.verdict(points.Judgement.EXACT, c) for c in (1, 2, 3, 4)) > sum(
        points.verdict(points.Judgement.SIDE, c) for c in (1, 2, 3, 4)
    )


def test_unsure_is_recorded_as_no_judgement_and_names_the_verdict() -> None:
    engine, scenario_id = nuanced_engine("satire", [])
    state = started(engine, scenario_id)
    state, (outcome,) = play(engine, state, payload_turn(choose("unsure")))
    (feedback,) = [m for m in outcome.messages if m.response]
    assert (feedback.response, feedback.variables["verdict"]) == ("utter_verdict_unsure", "Satire")
    assert outcome.events[0].fields["correct"] is None
    assert state.profile.verdicts[-1].judged_reliable is None


@pytest.mark.parametrize(
    ("turn", "verdict"),
    [
        (Turn("answer_false", "c'est de la satire"), "satire"),
        (Turn("answer_false", "c'est trompeur"), "trompeur"),
        (Turn("answer_unsure", "on peut pas savoir"), "inverifiable"),
        (Turn("nlu_fallback", "invérifiable"), "inverifiable"),
        (Turn("answer_false", "c un fake"), "faux"),
        (Turn("answer_true", "ouais grave"), "vrai"),  # no verdict word: the intent decides
        (Turn("answer_false", "nan"), "faux"),
    ],
)
def test_typed_verdicts_are_read_before_the_intent(
    engine: Engine, turn: Turn, verdict: str
) -> None:
    state = started(engine, scenario_with(OpenStep))
    state, _ = play(engine, state, turn)
    assert (state.phase, state.verdict) == (Phase.CONFIDENCE, verdict)


def test_verdict_buttons_are_the_fact_checker_scale(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    _, (outcome,) = play(engine, state, Turn("repeat"))
    (asked,) = [m for m in outcome.messages if m.response == "utter_step_verdict"]
    assert [b["payload"] for b in asked.buttons] == [
        choose(v) for v in ("vrai", "trompeur", "faux", "inverifiable", "satire", "unsure")
    ]
    assert asked.buttons[3]["title"] == "❓ Invérifiable"


def test_typed_jsp_at_the_confidence_question_is_not_sure_at_all(engine: Engine) -> None:
    state = started(engine, scenario_with(OpenStep))
    state, (_, scored) = play(
        engine, state, Turn("answer_false", "faux"), Turn("nlu_fallback", "jsp")
    )
    assert scored.events[0].fields["confidence"] == 1
