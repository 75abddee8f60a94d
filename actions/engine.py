"""The scenario engine: one pure function from (learner state, what they said) to replies.

Never holds learner-facing French (replies name domain responses or carry scenario text),
does no I/O but reading its data files once at import, and never keeps the learner's free
text in its state or events.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import RootModel

from actions import answer_parsing, credentials, investigation, points, typed_buttons
from actions.conversation import (
    EventDraft,
    Message,
    Outcome,
    Profile,
    State,
    Turn,
    VerdictRecord,
)
from actions.conversation import choice_payload as choice_payload
from actions.manipulator import Manipulator
from actions.phase import Phase
from actions.quiz_flow import QuizFlow, percent
from actions.verdicts import UNSURE, read_verdict, verdict_name, verdict_scale
from scenarios import measures
from scenarios.loader import Catalogue
from scenarios.missions import default_missions, techniques
from scenarios.schema import (
    ChoiceStep,
    Criterion,
    InvestigateStep,
    OpenStep,
    Option,
    Scenario,
    ShareStep,
    Step,
    Verdict,
    VerdictStep,
    Wording,
    is_reliable,
)
from vigie.clock import Now, utc_now
from vigie.data_files import DataModel, load_yaml
from vigie.protocol import FORGET, ITEM, SCORE

REFLEXES_FILE = Path(__file__).resolve().parent.parent / "scenarios" / "reflexes.yml"
MASTERY_SCENARIOS = 3
# Below this NLU confidence, a navigation intent during an open step is read as an answer.
NAVIGATION_CONFIDENCE = 0.5  # measured: make eval-nlu, "open question" table

SMALL_TALK = frozenset({"ask_bot_identity", "ask_privacy", "thank", "insult", "goodbye"})
# Options are shown as a), b)… in a per-attempt order; a button's payload names the option
# itself (`option_<id>`), a typed letter or number the displayed position.
LETTERS = "abcde"
OPTION_CHOICE = "option_"
# Right and wrong feedback come as utter_feedback_right_0…3 / utter_feedback_wrong_0…3, each
# with its own openers: an attempt takes them in turn, so no opener comes back within a
# scenario (at most four steps after the open step, which has its own responses).
OPENERS = 4


Detector = Callable[[str], list[str]]
Handler = Callable[[Outcome, Turn], None]


class Reflex(DataModel):
    """A verification reflex as a learner reads it (scenarios/reflexes.yml)."""

    label: str
    badge: str
    tip: str


class Reflexes(RootModel[dict[Criterion, Reflex]]):
    pass


@cache
def reflexes() -> dict[str, Reflex]:
    """Criterion code → its reflex (codes, not `Criterion`s: found codes and badges are str)."""
    return {
        criterion.value: reflex
        for criterion, reflex in load_yaml(REFLEXES_FILE, Reflexes).root.items()
    }


def option_payload(option_id: str) -> str:
    """The button payload of a choice-step option (whatever position it is shown at)."""
    return choice_payload(OPTION_CHOICE + option_id)


def displayed_options(attempt: str | None, step: ChoiceStep) -> list[Option]:
    """The options in the order this attempt shows them: shuffled per learner and attempt,
    the same each time the step is asked again (seeded by the attempt id and the step id)."""
    options = list(step.options)
    random.Random(f"{attempt}:{step.id}").shuffle(options)
    return options


def chosen_option(shown: list[Option], turn: Turn) -> Option | None:
    """The option a button names, or the one at the displayed position typed (« b », « la 2 »)."""
    raw = turn.entities.get("choice") or turn.text
    for option in shown:
        if raw == OPTION_CHOICE + option.id:
            return option
    letter = answer_parsing.parse_choice(raw, list(LETTERS[: len(shown)]))
    return None if letter is None else shown[LETTERS.index(letter)]


def _labels(codes: Iterable[str]) -> str:
    return ", ".join(reflexes()[code].label for code in sorted(codes))


class Engine:
    """Plays scenarios from a catalogue; `detect` tags free-text answers with criteria."""

    def __init__(self, catalogue: Catalogue, detect: Detector, now: Now = utc_now) -> None:
        self.catalogue = catalogue
        self.detect = detect
        self.quiz = QuizFlow(catalogue.quiz, now)  # `now`: when the delayed re-test is due
        self.manipulator = Manipulator(default_missions(), techniques())
        # The navigation intents, each with its handler: whatever the step, they move the
        # learner around instead of answering (see `_route` for when they do not).
        self.navigation: dict[str, Handler] = {
            "ask_hint": self._ask_hint,
            "repeat": self._repeat,
            "skip": self._skip,
            "stop": self._stop,
            "show_progress": self._show_progress,
            "plain_language": self._plain_language,
            "forget_me": self._forget_me,
            "ask_credential": self._credential,
        }

    # ----- entry point -------------------------------------------------------------------
    def handle(self, state: State, turn: Turn) -> Outcome:
        out = Outcome(state=state.model_copy(deep=True))
        turn = typed_buttons.as_pressed(state, turn)  # a typed button title is that button
        handler = self._route(out.state, turn)
        handler(out, turn)
        typed_buttons.remember(state, out)
        return out

    def _route(self, state: State, turn: Turn) -> Handler:
        if turn.intent == "distress":
            return self._after_distress
        if state.phase is Phase.CONFIRM_FORGET:
            return self._confirm_forget
        if credentials.awaiting(state, turn):
            return self._credential
        if self._is_move(state, turn):
            return self._answer_investigate
        if state.phase is Phase.MISSION and self.manipulator.read(state, turn) is not None:
            return self.manipulator.answer  # a technique pressed or typed (« l'émotion »)
        if turn.intent in SMALL_TALK:
            return self._after_small_talk
        if self._is_open_answer(state, turn):
            return self._answer_open
        navigate = self.navigation.get(turn.intent)
        # in the quiz, « passer » is an answer (no judgement), not a scenario step skipped;
        # in a mission, the question is asked again
        if navigate is not None and not (
            turn.intent == "skip" and state.phase in {Phase.QUIZ, Phase.MISSION}
        ):
            return navigate
        if state.phase is Phase.MISSION:
            return self.manipulator.answer
        if state.phase is Phase.QUIZ:
            return self.quiz.answer
        if state.phase is Phase.CONFIDENCE:
            return self._answer_confidence
        if state.phase is Phase.STEP:
            return self._answer_step
        return self._idle

    def _is_move(self, state: State, turn: Turn) -> bool:
        """A tool or « enough », pressed or typed, in an investigate step: before small talk
        and navigation, which the NLU may read in « j'ai fini » or « je cherche sur google »."""
        if state.phase is not Phase.STEP:
            return False
        step = self._current_step(state)
        return isinstance(step, InvestigateStep) and investigation.read_move(turn) is not None

    def _is_open_answer(self, state: State, turn: Turn) -> bool:
        if state.phase is not Phase.STEP or not isinstance(self._current_step(state), OpenStep):
            return False
        return not (turn.intent in self.navigation and turn.confidence >= NAVIGATION_CONFIDENCE)

    # ----- helpers -----------------------------------------------------------------------
    def _scenario(self, state: State) -> Scenario | None:
        return self.catalogue.get(state.scenario) if state.scenario else None

    def _current_step(self, state: State) -> Step | None:
        scenario = self._scenario(state)
        if scenario is None or state.step >= len(scenario.steps):
            return None
        return scenario.steps[state.step]

    def _event(self, out: Outcome, kind: str, suffix: str, **fields: Any) -> None:
        state = out.state
        scenario = self._scenario(state)
        base: dict[str, Any] = {"scenario": state.scenario}
        if scenario is not None:
            base["item_reliable"] = scenario.item.reliable
        out.events.append(
            EventDraft(key=f"{state.attempt}:{suffix}:{kind}", type=kind, fields=base | fields)
        )

    # ----- idle: menu, greetings, fallbacks -----------------------------------------------
    def _idle(self, out: Outcome, turn: Turn) -> None:
        state = out.state
        if self.quiz.concerns(state, turn):  # the delayed re-test: asked, chosen or due
            self.quiz.handle(out, turn)
            return
        if turn.intent in {"nlu_fallback", "out_of_scope"}:
            self._fallback(out)
            return
        state.fallbacks = 0
        if turn.intent == "choose_option" or (
            turn.intent in {"start_training", "list_scenarios"} and turn.entities.get("choice")
        ):
            self._menu_choice(out, turn)
        elif turn.intent == "affirm" and (state.scenario or state.mission):
            self._resume(out)
        elif turn.intent == "deny":
            out.say("utter_ok_later")
        elif turn.intent == "greet":
            out.say("utter_greet")
            if not state.quiz.order and not state.profile.results and self.quiz.quiz:
                out.say("utter_offer_quiz")
            else:
                self._menu(out)
        elif turn.intent == "list_scenarios" or turn.intent in {"start_training", "affirm"}:
            self._menu(out)
        else:
            choice = answer_parsing.parse_menu(turn.text)
            if choice:
                self._menu_choice(out, Turn(intent="choose_option", entities={"choice": choice}))
            else:
                self._fallback(out)

    def _fallback(self, out: Outcome) -> None:
        state = out.state
        state.fallbacks += 1
        if state.fallbacks >= 2:
            state.fallbacks = 0
            out.say("utter_fallback_menu")
            self._menu(out)
        else:
            out.say("utter_fallback")

    def _menu(self, out: Outcome) -> None:
        paused = out.state.scenario or out.state.quiz_form or out.state.mission
        out.say("utter_menu_resume" if paused else "utter_menu")

    def _menu_choice(self, out: Outcome, turn: Turn) -> None:
        choice = turn.entities.get("choice") or answer_parsing.parse_menu(turn.text) or ""
        choice = answer_parsing.fold(choice).replace(" ", "_")
        scenarios = self.catalogue.scenarios
        if choice == "resume" and (out.state.scenario or out.state.quiz_form or out.state.mission):
            self._resume(out)
        elif choice == "quiz":
            self.quiz.start(out, turn.message_id)
        elif choice in {"college", "lycee"}:
            listed = [s for s in scenarios.values() if s.level == choice]
            out.say(
                "utter_pick_scenario",
                buttons=[
                    {"title": s.title.text(out.state.plain), "payload": choice_payload(s.id)}
                    for s in listed
                ],
            )
        elif choice == "manipulator":
            self.manipulator.pick(out)
        elif (mission := self.manipulator.missions.get(choice)) is not None:
            out.state.scenario = out.state.attempt = None  # like another scenario started
            self.manipulator.start(out, mission, turn.message_id)
        elif choice == "surprise":
            self._start(out, self._surprise(out.state, turn.message_id), turn.message_id)
        elif choice in scenarios:
            self._start(out, scenarios[choice], turn.message_id)
        else:
            out.say("utter_fallback")
            self._menu(out)

    def _surprise(self, state: State, seed: str) -> Scenario:
        pool = [s for s in self.catalogue.scenarios.values() if s.id not in state.profile.results]
        pool = pool or list(self.catalogue.scenarios.values())
        return random.Random(seed).choice(sorted(pool, key=lambda s: s.id))

    # ----- scenario flow -----------------------------------------------------------------
    def _start(self, out: Outcome, scenario: Scenario, message_id: str) -> None:
        state = out.state
        plain = state.plain
        state.scenario, state.step, state.phase = scenario.id, 0, Phase.STEP
        state.mission = None  # a paused mission is left, like a paused scenario
        state.attempt = f"{scenario.id}:{message_id}"
        state.points = state.max_points = state.hints = 0
        state.found, state.missed, state.verdict, state.moves = [], [], None, []
        self._event(out, "scenario_started", "start")
        self._present_item(out, scenario)
        # under the item, ONE bubble: the title, the length and the first question (the open
        # step, which the schema puts first)
        out.say(
            "utter_scenario_intro",
            title=scenario.title.text(plain),
            minutes=scenario.minutes,
            steps=len(scenario.steps),
            prompt=scenario.steps[0].prompt.text(plain),
        )

    def _present_item(self, out: Outcome, scenario: Scenario) -> None:
        """The item, once: its picture as one `item` message (the action layer falls back to
        the `utter_item` text when the picture file is missing), or the `utter_item` text."""
        item = scenario.item
        source = item.author + (f" ({item.handle})" if item.handle else "")
        if item.url:
            source += f" — {item.url}"
        text = item.text.text(out.state.plain)
        variables = {"source": source, "date": item.date, "text": text}
        if item.image is None:
            out.messages.append(Message(response="utter_item", variables=variables))
            return
        caption = f"{source} · {item.date}"
        out.messages.append(
            Message(
                response="utter_item",
                variables=variables,
                image=item.image.file,
                custom={
                    "type": ITEM,
                    "alt": "\n".join([caption, f"« {text} »", item.image.alt]),
                    "caption": caption,
                },
            )
        )

    def _ask(self, out: Outcome) -> None:
        state = out.state
        step = self._current_step(state)
        if step is None:
            return
        prompt = step.prompt.text(state.plain)
        if isinstance(step, VerdictStep):
            buttons = [
                {"title": title, "payload": choice_payload(verdict)}
                for verdict, title in verdict_scale().items()
            ]
            out.say("utter_step_verdict", buttons=buttons, prompt=prompt)
        elif isinstance(step, ChoiceStep):
            shown = zip(LETTERS, displayed_options(state.attempt, step), strict=False)
            labels = [(letter, o.label.text(state.plain), o.id) for letter, o in shown]
            out.messages.append(
                Message(
                    text="\n".join(
                        [prompt, *(f"{letter}) {label}" for letter, label, _ in labels)]
                    ),
                    buttons=[
                        {"title": f"{letter.upper()}) {label}", "payload": option_payload(id_)}
                        for letter, label, id_ in labels
                    ],
                )
            )
        elif isinstance(step, OpenStep):
            out.say("utter_step_open", prompt=prompt)
        elif isinstance(step, InvestigateStep):
            investigation.ask(out, step)
        else:
            out.say("utter_step_share", prompt=prompt)

    def _resume(self, out: Outcome) -> None:
        state = out.state
        if state.quiz_form is not None:
            self.quiz.start(out, "resume")
            return
        scenario = self._scenario(state)
        if scenario is None and state.mission is not None:
            self.manipulator.resume(out)
            return
        if scenario is None:
            self._menu(out)
            return
        state.phase = Phase.CONFIDENCE if state.verdict else Phase.STEP
        out.say("utter_resume", title=scenario.title.text(state.plain))
        self._present_item(out, scenario)
        if state.phase is Phase.CONFIDENCE:
            out.say("utter_ask_confidence")
        else:
            self._ask(out)

    def _reprompt(self, out: Outcome) -> None:
        """After an interruption, ask the current question again so no place is lost."""
        if out.state.phase is Phase.QUIZ:
            self.quiz.ask(out)
        elif out.state.phase is Phase.CONFIDENCE:
            out.say("utter_ask_confidence")
        elif out.state.phase is Phase.MISSION:
            self.manipulator.ask(out)
        elif out.state.phase is Phase.STEP:
            out.say("utter_back_to_step")
            self._ask(out)

    def _answer_step(self, out: Outcome, turn: Turn) -> None:
        step = self._current_step(out.state)
        if isinstance(step, VerdictStep):
            self._answer_verdict(out, turn)
        elif isinstance(step, ChoiceStep):
            self._answer_choice(out, step, turn)
        elif isinstance(step, ShareStep):
            self._answer_share(out, step, turn)
        elif isinstance(step, InvestigateStep):
            self._answer_investigate(out, turn)
        else:
            self._menu(out)

    def _not_understood(self, out: Outcome, response: str) -> None:
        out.state.fallbacks += 1
        out.say(response)
        self._ask(out) if out.state.phase is Phase.STEP else out.say("utter_ask_confidence")

    def _answer_verdict(self, out: Outcome, turn: Turn) -> None:
        verdict = read_verdict(turn)
        if verdict is None:
            self._not_understood(out, "utter_answer_verdict_help")
            return
        out.state.fallbacks = 0
        if verdict == UNSURE:
            self._score_verdict(out, None, None)
            return
        out.state.verdict = verdict
        out.state.phase = Phase.CONFIDENCE
        out.say("utter_ask_confidence")

    def _answer_confidence(self, out: Outcome, turn: Turn) -> None:
        """Typed words first ("3", "plutôt sûr"): NLU maps a bare "3" to option "c"."""
        confidence = answer_parsing.parse_confidence(turn.text) or answer_parsing.parse_confidence(
            turn.entities.get("choice") or ""
        )
        verdict = read_verdict(turn)
        if confidence is None and verdict == UNSURE and turn.entities.get("choice") != UNSURE:
            confidence = 1  # « jsp » typed here: "not sure at all"
        if confidence is None and verdict is not None:
            out.state.phase = Phase.STEP  # the learner changed their verdict
            self._answer_verdict(out, turn)
            return
        if confidence is None:
            self._not_understood(out, "utter_answer_confidence_help")
            return
        out.state.fallbacks = 0
        self._score_verdict(out, out.state.verdict, confidence)

    def _score_verdict(self, out: Outcome, verdict: Verdict | None, confidence: int | None) -> None:
        """`verdict` None is « je ne sais pas »: recorded as no judgement, never as wrong."""
        state = out.state
        scenario = self._scenario(state)
        step = self._current_step(state)
        assert scenario is not None and isinstance(step, VerdictStep)
        item = scenario.item
        judgement = None if verdict is None else points.judge(item, verdict)
        judged = None if verdict is None else is_reliable(verdict)
        correct = None if judged is None else judged == item.reliable
        earned = points.after_hints(points.verdict(judgement, confidence), state.hints)
        state.profile.verdicts.append(
            VerdictRecord(reliable=item.reliable, judged_reliable=judged, confidence=confidence)
        )
        response = {
            None: "utter_verdict_unsure",
            points.Judgement.EXACT: feedback_response(True, state),
            points.Judgement.SIDE: "utter_feedback_partial",
            points.Judgement.WRONG: feedback_response(False, state),
        }[judgement]
        feedback = (
            step.feedback_wrong if judgement is points.Judgement.WRONG else step.feedback_correct
        )
        self._scored(
            out,
            step,
            earned,
            points.VERDICT_MAX,
            feedback.text(state.plain),
            feedback_response=response,
            verdict=verdict_name(item.verdict),
            correct=correct,
            confidence=confidence,
        )

    def _answer_choice(self, out: Outcome, step: ChoiceStep, turn: Turn) -> None:
        option = chosen_option(displayed_options(out.state.attempt, step), turn)
        if option is None:
            self._not_understood(out, "utter_answer_choice_help")
            return
        right = option.correct
        self._judged(out, step, right, points.choice(right), points.CHOICE_MAX, option.feedback)

    def _answer_share(self, out: Outcome, step: ShareStep, turn: Turn) -> None:
        chosen = answer_parsing.parse_share(turn.entities.get("choice") or turn.text)
        if chosen is None:
            self._not_understood(out, "utter_answer_share_help")
            return
        option = next(o for o in step.options if o.choice == chosen)
        right = option.good
        self._judged(out, step, right, points.share(right), points.SHARE_MAX, option.feedback)

    def _judged(
        self, out: Outcome, step: Step, right: bool, earned: int, maximum: int, feedback: Wording
    ) -> None:
        """A choice or share answer understood: its points less the hints, its feedback."""
        out.state.fallbacks = 0
        self._scored(
            out,
            step,
            points.after_hints(earned, out.state.hints),
            maximum,
            feedback.text(out.state.plain),
            feedback_response=feedback_response(right, out.state),
            correct=right,
        )

    def _answer_investigate(self, out: Outcome, turn: Turn) -> None:
        """A move, a refusal or the end of the investigation, then its feedback and points."""
        state = out.state
        step = self._current_step(state)
        assert isinstance(step, InvestigateStep)
        if not investigation.play(out, step, turn):
            return
        earned = points.investigation(step, investigation.used(state))
        used = investigation.reflexes_used(state)
        self._scored(
            out,
            step,
            points.after_hints(earned, state.hints),
            points.INVESTIGATE_MAX,
            step.feedback.text(state.plain),
            feedback_response=(
                "utter_investigate_feedback" if used else "utter_investigate_feedback_inside"
            ),
            moves=list(state.moves),
            reflexes=", ".join(reflexes()[code].label for code in used),
        )

    def _answer_open(self, out: Outcome, turn: Turn) -> None:
        state = out.state
        scenario = self._scenario(state)
        step = self._current_step(state)
        assert scenario is not None and isinstance(step, OpenStep)
        if not any(ch.isalnum() for ch in turn.text):
            # "…", "🤷" or an invisible message is not an answer: ask again, score nothing
            self._not_understood(out, "utter_answer_open_help")
            return
        state.fallbacks = 0
        found = set(self.detect(turn.text))
        expected = set(step.expected)
        earned = points.after_hints(points.open_answer(found, step.expected), state.hints)
        missing = expected - found
        # one bubble: the reflexes shown, those missed, a model answer, the points
        response = (
            "utter_open_none" if not found else "utter_open_some" if missing else "utter_open_all"
        )
        state.found = sorted(set(state.found) | (found & expected))
        state.missed = sorted((set(state.missed) | missing) - set(state.found))
        self._record_mastery(out, scenario.id, found)
        self._scored(
            out,
            step,
            earned,
            points.open_max(step.expected),
            step.model_answer.text(state.plain),
            feedback_response=response,
            found=sorted(found),
            expected=sorted(expected),
            reflexes=_labels(found),
            missing=_labels(missing),
        )

    def _record_mastery(self, out: Outcome, scenario_id: str, found: set[str]) -> None:
        profile = out.state.profile
        for code in sorted(found):
            shown_in = profile.criteria.setdefault(code, [])
            if scenario_id not in shown_in:
                shown_in.append(scenario_id)
            if len(shown_in) >= MASTERY_SCENARIOS and code not in profile.badges:
                profile.badges.append(code)
                out.say(
                    "utter_badge",
                    buttons=credentials.offer_button(code),
                    badge=reflexes()[code].badge,
                    reflex=reflexes()[code].label,
                )
                self._event(out, "badge_awarded", code, criteria_found=[code])

    def _scored(
        self,
        out: Outcome,
        step: Step,
        earned: int,
        maximum: int,
        feedback: str,
        *,
        feedback_response: str,
        correct: bool | None = None,
        confidence: int | None = None,
        found: list[str] | None = None,
        expected: list[str] | None = None,
        moves: list[str] | None = None,
        **variables: Any,
    ) -> None:
        """The feedback bubble (with the points), the score payload and the event; then on."""
        state = out.state
        state.points += earned
        state.max_points += maximum
        out.say(
            feedback_response, feedback=feedback, points=earned, max_points=maximum, **variables
        )
        out.messages.append(
            Message(
                custom={
                    "type": SCORE,
                    "scenario": state.scenario,
                    "step": step.id,
                    "points": earned,
                    "max_points": maximum,
                    "criteria_found": found or [],
                    "criteria_expected": expected or [],
                }
            )
        )
        self._event(
            out,
            "step_scored",
            step.id,
            step=step.id,
            points=earned,
            max_points=maximum,
            correct=correct,
            confidence=confidence,
            criteria_found=found or [],
            criteria_expected=expected or [],
            **({} if moves is None else {"moves": moves}),
        )
        self._next_step(out)

    def _next_step(self, out: Outcome) -> None:
        state = out.state
        scenario = self._scenario(state)
        assert scenario is not None
        state.step += 1
        state.hints, state.verdict, state.phase, state.moves = 0, None, Phase.STEP, []
        if state.step < len(scenario.steps):
            self._ask(out)
        else:
            self._finish(out, scenario)

    def _finish(self, out: Outcome, scenario: Scenario) -> None:
        state = out.state
        plain = state.plain
        state.profile.results[scenario.id] = [state.points, state.max_points]
        self._event(
            out,
            "scenario_completed",
            "done",
            points=state.points,
            max_points=state.max_points,
            criteria_found=state.found,
            criteria_expected=sorted(set(state.found) | set(state.missed)),
        )
        # two bubbles: the score with the debrief and the method; the resources with what next
        out.say(
            "utter_debrief",
            points=state.points,
            max_points=state.max_points,
            emotion=scenario.emotion.text(plain),
            debrief=scenario.debrief.text(plain),
            method=scenario.fact_checker.text(plain),
        )
        state.scenario, state.attempt, state.phase, state.step = None, None, Phase.IDLE, 0
        out.say(
            "utter_offer_post_quiz" if self.quiz.should_offer_post_test(state) else "utter_next",
            resources="\n".join(f"• {r.title} : {r.url}" for r in scenario.resources),
        )

    # ----- navigation --------------------------------------------------------------------
    def _ask_hint(self, out: Outcome, _turn: Turn) -> None:
        state = out.state
        step = self._current_step(state)
        if state.phase is Phase.QUIZ:
            out.say("utter_quiz_no_hint")
            self._reprompt(out)
            return
        if state.phase is Phase.MISSION:
            self.manipulator.help(out)
            return
        if state.phase not in {Phase.STEP, Phase.CONFIDENCE} or step is None:
            out.say("utter_hint_idle")
            return
        if state.hints >= len(step.hints):
            out.say("utter_no_more_hints")
        else:
            hint = step.hints[state.hints].text(state.plain)
            state.hints += 1
            out.say("utter_hint", hint=hint, cost=points.HINT_COST)
            self._event(out, "hint_used", f"{step.id}:{state.hints}", step=step.id)
        self._reprompt(out)

    def _repeat(self, out: Outcome, _turn: Turn) -> None:
        state = out.state
        state.confusions += 1
        scenario = self._scenario(state)
        if state.confusions >= 2 and not state.plain:
            state.confusions = 0
            out.say("utter_offer_plain")
            return
        if state.phase in {Phase.QUIZ, Phase.MISSION}:
            self._reprompt(out)
            return
        if scenario is None or state.phase is Phase.IDLE:
            self._menu(out)
            return
        self._present_item(out, scenario)
        self._reprompt(out)

    def _plain_language(self, out: Outcome, _turn: Turn) -> None:
        out.state.plain = True
        out.state.confusions = 0
        out.say("utter_plain_on")
        scenario = self._scenario(out.state)
        if scenario is not None and out.state.phase in {Phase.STEP, Phase.CONFIDENCE}:
            self._present_item(out, scenario)
        self._reprompt(out)

    def _skip(self, out: Outcome, _turn: Turn) -> None:
        state = out.state
        step = self._current_step(state)
        if state.phase not in {Phase.STEP, Phase.CONFIDENCE} or step is None:
            self._menu(out)
            return
        maximum = points.step_max(step)
        if isinstance(step, OpenStep):
            state.missed = sorted(set(state.missed) | set(step.expected))
        out.say("utter_skipped")
        state.max_points += maximum
        moves = {"moves": list(state.moves)} if isinstance(step, InvestigateStep) else {}
        self._event(
            out, "step_scored", step.id, step=step.id, points=0, max_points=maximum, **moves
        )
        self._next_step(out)

    def _stop(self, out: Outcome, _turn: Turn) -> None:
        state = out.state
        if _busy(state):
            state.phase = Phase.IDLE
            out.say("utter_paused")
        else:
            out.say("utter_stopped")

    def _show_progress(self, out: Outcome, _turn: Turn) -> None:
        profile = out.state.profile
        out.say("utter_progress", **progress_figures(profile))
        out.say(f"utter_bias_{bias_label(profile)}")
        out.say(f"utter_calibration_{calibration_label(profile.verdicts)}")
        self.quiz.progress(out)
        self._reprompt(out)

    def _forget_me(self, out: Outcome, _turn: Turn) -> None:
        """Ask first; erase only on "oui". The place is kept in case the answer is "non"."""
        out.state.phase = Phase.CONFIRM_FORGET
        out.say("utter_confirm_forget")

    def _confirm_forget(self, out: Outcome, turn: Turn) -> None:
        if turn.intent in {"affirm", "forget_me"}:
            out.state = State()
            out.erase = True
            out.say("utter_forgotten")
            out.messages.append(Message(custom={"type": FORGET}))
        else:
            if out.state.quiz_form:
                out.state.phase = Phase.QUIZ
            elif out.state.verdict:
                out.state.phase = Phase.CONFIDENCE
            elif out.state.mission:
                out.state.phase = Phase.MISSION
            else:
                out.state.phase = Phase.STEP if out.state.scenario else Phase.IDLE
            out.say("utter_forget_cancelled")
            self._reprompt(out)

    # ----- interruptions -----------------------------------------------------------------
    def _after_distress(self, out: Outcome, _turn: Turn) -> None:
        """The help lines were already said by the rule; count it (no text) and offer to resume."""
        out.events.append(
            EventDraft(key=f"distress:{_turn.message_id}", type="distress", fields={})
        )
        if _busy(out.state):
            out.state.phase = Phase.IDLE
            out.say("utter_offer_resume")

    def _after_small_talk(self, out: Outcome, _turn: Turn) -> None:
        self._reprompt(out)

    def _credential(self, out: Outcome, turn: Turn) -> None:
        """An Open Badges credential asked for (actions/credentials.py), then back to the place."""
        badges = {code: reflex.badge for code, reflex in reflexes().items()}
        if credentials.handle(out, turn, badges):
            self._reprompt(out)


def feedback_response(right: bool, state: State) -> str:
    """Right or wrong feedback for the current step: the attempt's turn of openers (it starts
    at a place of its own, so scenarios do not all open alike), one more at each step."""
    turn = (zlib.crc32(str(state.attempt).encode()) + state.step) % OPENERS
    return f"utter_feedback_{'right' if right else 'wrong'}_{turn}"


def _busy(state: State) -> bool:
    """In the middle of a scenario step, of the quiz or of a mission."""
    return state.phase in {Phase.STEP, Phase.CONFIDENCE, Phase.QUIZ, Phase.MISSION}


def verdict_measures(verdicts: list[VerdictRecord]) -> measures.Measures:
    """The learner's scenario verdicts, measured like the quiz and the dashboard."""
    return measures.measure(
        measures.Judgement(v.reliable, v.judged_reliable, v.confidence) for v in verdicts
    )


def progress_figures(profile: Profile) -> dict[str, Any]:
    """Plain figures for `show_progress`: scenarios done, score, verdicts, badges."""
    total = sum(result[0] for result in profile.results.values())
    maximum = sum(result[1] for result in profile.results.values())
    verdicts = verdict_measures(profile.verdicts)
    return {
        "done": len(profile.results),
        "score": percent(total / maximum if maximum else None),
        "verdicts": verdicts.items,
        "unsure": verdicts.unsure.hits,
        "fake_detection": percent(verdicts.fake_detection),
        "reliable_detection": percent(verdicts.reliable_detection),
        "badges": ", ".join(reflexes()[code].badge for code in profile.badges) or "—",
    }


def bias_label(profile: Profile) -> str:
    """Credulous, distrustful or balanced (scenarios/measures.py decides), or unknown."""
    return measures.lean(verdict_measures(profile.verdicts)) or "unknown"


def calibration_label(verdicts: list[VerdictRecord]) -> str:
    """Over-, underconfident or calibrated (scenarios/measures.py decides), or unknown."""
    return measures.calibration(verdict_measures(verdicts)) or "unknown"


reflexes()  # fail fast: a malformed reflexes.yml stops the start, not a conversation
