"""The investigate step in the pure engine: the menu, moves, the budget, refusals, data voids,
typed moves, the feedback and its points (on capture_depute_lycee's `enquete` step).

Plays the engine in memory only; never starts Rasa and never writes a file.
"""

from __future__ import annotations

import pytest

from actions import investigation, points
from actions.conversation import Outcome, State, Turn
from actions.engine import Engine, choice_payload
from actions.phase import Phase
from scenarios.loader import default_catalogue
from scenarios.schema import InvestigateStep, Tool, VerdictStep
from tests.unit.test_engine import detector, payload_turn, play, responses, started

CATALOGUE = default_catalogue()
SCENARIO = "capture_depute_lycee"
STEP = next(s for s in CATALOGUE.scenarios[SCENARIO].steps if isinstance(s, InvestigateStep))
SEARCH, OFFICIAL, ARCHIVE, ENCYCLOPEDIA, INSPECT = (
    Tool.SEARCH,
    Tool.OFFICIAL,
    Tool.ARCHIVE,
    Tool.ENCYCLOPEDIA,
    Tool.INSPECT,
)


@pytest.fixture
def engine() -> Engine:
    return Engine(CATALOGUE, detector)


def at_step(engine: Engine) -> State:
    return started(engine, SCENARIO, at=InvestigateStep)


def press(code: str) -> Turn:
    return payload_turn(choice_payload(code))


def typed(text: str, intent: str = "describe_check", confidence: float = 0.9) -> Turn:
    return Turn(intent, text, confidence=confidence)


def menu_titles(outcome: Outcome) -> list[str]:
    (menu,) = [m for m in outcome.messages if m.buttons]
    return [button["title"] for button in menu.buttons]


def label(tool: Tool) -> str:
    return investigation.tools().tools[tool].label


ENOUGH_LABEL = investigation.tools().enough.label


def step_scored(outcome: Outcome) -> dict[str, object]:
    (event,) = [e.fields for e in outcome.events if e.type == "step_scored"]
    return event


# ----- the menu and a move -------------------------------------------------------------------


def test_the_step_asks_with_one_button_per_tool_in_canonical_order_and_enough(
    engine: Engine,
) -> None:
    state = at_step(engine)
    state.step -= 1  # the open step, answered: the engine asks the investigate step next
    state, (outcome,) = play(engine, state, typed("je cherche la SOURCE"))
    assert responses(outcome)[-1] == "utter_step_investigate"
    ask = outcome.messages[-1]
    assert ask.variables["remaining"] == STEP.budget == 3
    assert ask.variables["prompt"] == STEP.prompt.fr
    tools = [Tool.SEARCH, Tool.ENCYCLOPEDIA, Tool.ARCHIVE, Tool.OFFICIAL, Tool.INSPECT]
    assert menu_titles(outcome) == [*(label(tool) for tool in tools), ENOUGH_LABEL]
    assert ask.buttons[0]["payload"] == choice_payload("search")
    assert state.moves == []


def test_a_move_shows_its_card_then_its_result_with_the_menu_without_it(engine: Engine) -> None:
    state, (outcome,) = play(engine, at_step(engine), press("search"))
    card, menu = outcome.messages  # two bubbles: the card, then the result above the menu
    move = STEP.move(SEARCH)
    assert move is not None
    assert card.image == move.card.file == "capture_depute_lycee__search.png"
    assert card.custom == {"type": "result", "alt": move.card.alt, "tool": "search"}
    assert card.response == "utter_move_card"  # the text when the picture file is missing
    assert card.variables == {"tool": label(SEARCH), "alt": move.card.alt}
    assert menu.response == "utter_move_result"
    assert menu.variables == {"result": move.result.fr, "remaining": 2}
    assert label(SEARCH) not in menu_titles(outcome) and ENOUGH_LABEL in menu_titles(outcome)
    assert state.moves == ["search"] and state.phase is Phase.STEP
    assert outcome.events == []  # a move is no event: the step's score carries the moves


def test_the_result_is_in_plain_language_when_asked(engine: Engine) -> None:
    state = at_step(engine)
    state.plain = True
    _, (outcome,) = play(engine, state, press("official"))
    move = STEP.move(OFFICIAL)
    assert move is not None and move.result.falc
    assert outcome.messages[1].variables["result"] == move.result.falc


def test_a_data_void_shows_its_card_and_counts_as_evidence(engine: Engine) -> None:
    void = STEP.move(ARCHIVE)
    assert void is not None and void.void and void.evidence
    assert void.card.data.get("empty")  # the card says there is nothing more
    state, outcomes = play(engine, at_step(engine), press("archive"), press("search"))
    assert outcomes[0].messages[0].custom == {
        "type": "result",
        "alt": void.card.alt,
        "tool": "archive",
    }
    _, (done,) = play(engine, state, typed("j'ai fini"))
    assert step_scored(done)["points"] == points.INVESTIGATE_MAX


# ----- refusals: no budget spent -------------------------------------------------------------


def test_a_tool_already_used_is_refused_without_spending_the_budget(engine: Engine) -> None:
    state, (_, again) = play(
        engine, at_step(engine), press("search"), typed("je cherche sur google")
    )
    assert responses(again) == ["utter_move_already_used", "utter_investigate_menu"]
    assert again.messages[-1].variables["remaining"] == 2
    assert state.moves == ["search"]


def test_a_tool_not_on_this_menu_is_refused_without_spending_the_budget(engine: Engine) -> None:
    state, (outcome,) = play(engine, at_step(engine), typed("recherche inversée"))
    assert STEP.move(Tool.REVERSE_IMAGE) is None
    assert responses(outcome) == ["utter_move_unavailable", "utter_investigate_menu"]
    assert outcome.messages[-1].variables["remaining"] == 3 and state.moves == []


def test_words_that_are_no_tool_get_help_and_the_menu(engine: Engine) -> None:
    state, (outcome,) = play(engine, at_step(engine), typed("bof jsp trop", "nlu_fallback", 0.3))
    assert responses(outcome) == ["utter_move_help", "utter_investigate_menu"]
    assert state.moves == [] and state.phase is Phase.STEP


def test_enough_before_any_move_asks_for_one_first(engine: Engine) -> None:
    state, (outcome,) = play(engine, at_step(engine), press("enough"))
    assert responses(outcome) == ["utter_investigate_no_move", "utter_investigate_menu"]
    assert state.step == engine.catalogue.scenarios[SCENARIO].steps.index(STEP)


# ----- the end of the step -------------------------------------------------------------------


def test_the_budget_spent_ends_the_step_with_the_moves_in_the_event(engine: Engine) -> None:
    state, outcomes = play(
        engine, at_step(engine), press("inspect"), press("search"), press("official")
    )
    last = outcomes[-1]
    assert responses(last)[:3] == [
        "utter_move_card",
        "utter_move_result_last",
        "utter_investigate_feedback",
    ]
    event = step_scored(last)
    assert event["moves"] == ["inspect", "search", "official"]
    assert event["criteria_found"] == [] and event["max_points"] == points.INVESTIGATE_MAX
    assert event["points"] == 3  # not lateral first; enough evidence; stopped when it was enough
    assert state.moves == []
    assert isinstance(CATALOGUE.scenarios[SCENARIO].steps[state.step], VerdictStep)
    assert responses(last)[-1] == "utter_step_verdict"


def test_the_feedback_names_the_reflexes_of_the_tools_used_and_the_step_feedback(
    engine: Engine,
) -> None:
    _, outcomes = play(engine, at_step(engine), press("search"), press("official"), press("enough"))
    (feedback,) = [m for m in outcomes[-1].messages if m.response == "utter_investigate_feedback"]
    reflexes = feedback.variables["reflexes"]
    assert "lecture latérale" in reflexes and "les preuves" in reflexes
    assert feedback.variables["feedback"] == STEP.feedback.fr
    assert (feedback.variables["points"], feedback.variables["max_points"]) == (4, 4)


def test_only_looking_closely_says_the_learner_stayed_on_the_document(engine: Engine) -> None:
    _, outcomes = play(engine, at_step(engine), press("inspect"), typed("c'est bon j'ai assez"))
    assert "utter_investigate_feedback_inside" in responses(outcomes[-1])
    assert step_scored(outcomes[-1])["points"] == 0


def test_hints_cost_as_in_other_steps(engine: Engine) -> None:
    _, outcomes = play(
        engine,
        at_step(engine),
        typed("un indice stp", "ask_hint", 0.95),
        press("search"),
        press("official"),
        typed("j'ai fini"),
    )
    assert "utter_hint" in responses(outcomes[0])
    assert step_scored(outcomes[-1])["points"] == points.INVESTIGATE_MAX - points.HINT_COST


# ----- typed moves and navigation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("je cherche sur google", Tool.SEARCH),
        ("JCHERCHE SUR GOOGLE", Tool.SEARCH),
        ("recherche inversée", Tool.REVERSE_IMAGE),
        ("recherche inversee de l'image stp", Tool.REVERSE_IMAGE),
        ("je regarde qui a créé le compte", Tool.ACCOUNT),
        ("whois", Tool.SITE),
        ("wayback", Tool.ARCHIVE),
        ("wikipedia", Tool.ENCYCLOPEDIA),
        ("le site officiel", Tool.OFFICIAL),
        ("je zoome sur la capture", Tool.INSPECT),
        ("🏛️ Source officielle", Tool.OFFICIAL),  # a button's title, typed
        ("Qui est derriere le compte", Tool.ACCOUNT),
        ("j'ai fini", "enough"),
        ("c'est bon j'ai assez", "enough"),
        ("✅ J'ai assez d'indices", "enough"),
        ("un indice stp", None),
        ("passer", None),
        ("stop", None),
        ("je sais pas", None),
    ],
)
def test_typed_words_name_a_tool_or_enough(text: str, reading: str | None) -> None:
    assert investigation.read_move(Turn("describe_check", text)) == reading


def test_a_typed_move_wins_over_what_the_nlu_misread(engine: Engine) -> None:
    """« j'ai fini » read as goodbye, « je cherche sur google » as a hint request, « wayback » as
    « repeat »: the words of a tool or of « enough » decide in this step."""
    state, _ = play(engine, at_step(engine), press("search"))
    _, (again,) = play(engine, state, typed("je cherche sur google", "ask_hint", 0.99))
    assert responses(again) == ["utter_move_already_used", "utter_investigate_menu"]
    state, (archive,) = play(engine, state, typed("wayback", "repeat", 0.99))
    assert state.moves == ["search", "archive"] and "utter_hint" not in responses(archive)
    state, (done,) = play(engine, state, typed("j'ai fini", "goodbye", 0.99))
    assert step_scored(done)["moves"] == ["search", "archive"]


def test_skipping_the_step_records_its_moves_and_no_points(engine: Engine) -> None:
    state, (_, skipped) = play(engine, at_step(engine), press("search"), typed("passer", "skip"))
    assert "utter_skipped" in responses(skipped)
    event = step_scored(skipped)
    assert event["moves"] == ["search"] and event["points"] == 0
    assert event["max_points"] == points.INVESTIGATE_MAX and state.moves == []


def test_stop_then_resume_asks_again_with_the_budget_left(engine: Engine) -> None:
    state, outcomes = play(
        engine, at_step(engine), press("search"), typed("stop", "stop"), payload_turn("/affirm")
    )
    assert responses(outcomes[1]) == ["utter_paused"]
    resumed = outcomes[2]
    assert responses(resumed)[-1] == "utter_step_investigate"
    assert resumed.messages[-1].variables["remaining"] == 2
    assert label(SEARCH) not in menu_titles(resumed) and state.moves == ["search"]


def test_a_new_scenario_starts_with_no_moves(engine: Engine) -> None:
    state, _ = play(engine, at_step(engine), press("search"), typed("stop", "stop"))
    state, _ = play(engine, state, payload_turn(choice_payload(SCENARIO)))
    assert state.moves == [] and state.step == 0 and state.phase is Phase.STEP


# ----- points --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tools", "earned"),
    [
        ([SEARCH, OFFICIAL], 4),  # lateral first, enough, stopped at once
        ([INSPECT, SEARCH, OFFICIAL], 3),  # read vertically first
        ([SEARCH, OFFICIAL, ARCHIVE], 3),  # one move too many
        ([ENCYCLOPEDIA, SEARCH, OFFICIAL], 4),  # budget spent exactly at enough: in time
        ([SEARCH, ENCYCLOPEDIA], 2),  # some evidence, fewer than enough
        ([ENCYCLOPEDIA], 1),  # lateral, nothing found
        ([INSPECT], 0),
        ([], 0),
    ],
)
def test_investigation_points(tools: list[Tool], earned: int) -> None:
    assert points.investigation(STEP, tools) == earned
    assert 0 <= earned <= points.INVESTIGATE_MAX


def test_a_skipped_investigation_adds_its_maximum() -> None:
    assert points.step_max(STEP) == points.INVESTIGATE_MAX == 4
