"""The "fiable ou pas ?" discernment quiz: one of forms A and B as pre-test, the other as
post-test, and form C as the delayed re-test: asked once after the post-test (« Je te
repropose un quiz dans une semaine ? »), offered only from its due date on, to who said yes.

Pure like the engine: it names domain responses, never judges the learner during the test
(a measure, not a lesson), and never defines a measure itself (scenarios/measures.py does).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, TypedDict

from actions import typed_buttons
from actions.conversation import (
    EventDraft,
    Message,
    Outcome,
    QuizAnswer,
    Retest,
    State,
    Turn,
)
from actions.phase import Phase
from actions.verdicts import UNSURE, read_verdict
from scenarios.measures import Measures, change
from scenarios.schema import Quiz, QuizItem, is_reliable
from vigie.clock import Now, utc_now
from vigie.protocol import RETEST, RETEST_CHOICE

PRE_POST_FORMS = ("a", "b")
RETEST_FORM = "c"
RETEST_AFTER = timedelta(days=7)
POST_TEST_AFTER_SCENARIOS = 3


class QuizFigures(TypedDict):
    """The variables of the quiz result responses (utter_quiz_done_pre / _post)."""

    fake: str
    reliable: str
    discernment: str
    unsure: int
    count: int


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(100 * rate)} %"


def points(difference: float | None, *, signed: bool = True) -> str:
    """A difference of rates in points: 0.25 → « +25 points » (« 25 points » unsigned)."""
    if difference is None:
        return "—"
    return f"{round(100 * difference):{'+' if signed else ''}d} points"


def judged_reliable(turn: Turn) -> tuple[bool, bool | None]:
    """(understood, judged reliable): any verdict of the scale, typed or pressed, counts on
    its side of reliable / not reliable; « je ne sais pas » and « passer » are no judgement."""
    if turn.intent == "skip":
        return True, None
    verdict = read_verdict(turn)
    if verdict is None:
        return False, None
    return True, None if verdict == UNSURE else is_reliable(verdict)


class QuizFlow:
    def __init__(self, quiz: Quiz | None, now: Now = utc_now) -> None:
        self.quiz = quiz
        self.now = now

    def items(self, form: str) -> list[QuizItem]:
        assert self.quiz is not None
        return self.quiz.forms[form]

    def next_form(self, state: State, seed: str) -> str | None:
        """Pre-test: A or B at random; post-test: the other one; then C once it is due; None
        when there is nothing to take."""
        record = state.quiz
        if not record.order:
            return random.Random(seed).choice(PRE_POST_FORMS)
        if len(record.order) == 1:
            return next(form for form in PRE_POST_FORMS if form not in record.order)
        return RETEST_FORM if self.retest_due(state) else None

    def retest_due(self, state: State) -> bool:
        """Form C is for who said yes, from the due date on, once."""
        return (
            self.quiz is not None
            and state.retest is Retest.YES
            and state.retest_due is not None
            and self.now() >= state.retest_due
            and RETEST_FORM not in state.quiz.order
        )

    def should_offer_post_test(self, state: State) -> bool:
        record = state.quiz
        return (
            self.quiz is not None
            and len(record.order) == 1
            and state.quiz_form is None
            and len(state.profile.results) >= POST_TEST_AFTER_SCENARIOS
        )

    def start(self, out: Outcome, seed: str) -> None:
        state = out.state
        if self.quiz is None:
            out.say("utter_quiz_unavailable")
            return
        if state.quiz_form is not None:
            state.phase = Phase.QUIZ
            self.ask(out)
            return
        form = self.next_form(state, seed)
        if form is None:
            out.say("utter_quiz_all_done")
            return
        state.quiz.order.append(form)
        state.quiz.answers[form] = []
        state.quiz_form, state.quiz_index = form, 0
        state.phase = Phase.QUIZ
        intro = ("utter_quiz_intro", "utter_quiz_intro_post", "utter_quiz_intro_retest")
        out.say(intro[len(state.quiz.order) - 1], count=len(self.items(form)))
        self.ask(out)

    def ask(self, out: Outcome) -> None:
        state = out.state
        assert state.quiz_form is not None
        items = self.items(state.quiz_form)
        item = items[state.quiz_index]
        out.say(
            "utter_quiz_item",
            number=state.quiz_index + 1,
            count=len(items),
            source=item.source,
            text=item.text.text(state.plain),
        )

    def answer(self, out: Outcome, turn: Turn) -> None:
        """Record a verdict (« je ne sais pas » and « passer » are no judgement) and go on."""
        state = out.state
        assert state.quiz_form is not None
        understood, judged = judged_reliable(turn)
        if not understood:
            out.say("utter_quiz_help")
            self.ask(out)
            return
        form = state.quiz_form
        item = self.items(form)[state.quiz_index]
        state.quiz.answers[form].append(
            QuizAnswer(item=item.id, reliable=item.reliable, judged_reliable=judged)
        )
        out.events.append(self._event(form, item, judged))
        state.quiz_index += 1
        if state.quiz_index < len(self.items(form)):
            self.ask(out)
        else:
            self.finish(out)

    def _event(self, form: str, item: QuizItem, judged: bool | None) -> EventDraft:
        correct = None if judged is None else judged == item.reliable
        return EventDraft(
            key=f"quiz_{form}:{item.id}",
            type="quiz_answered",
            fields={
                "scenario": f"quiz_{form}",
                "step": item.id,
                "points": int(bool(correct)),
                "max_points": 1,
                "correct": correct,
                "item_reliable": item.reliable,
            },
        )

    def finish(self, out: Outcome) -> None:
        state = out.state
        form = state.quiz_form
        assert form is not None
        now = state.quiz.measures(form)
        state.quiz_form, state.quiz_index, state.phase = None, 0, Phase.IDLE
        figures: QuizFigures = {
            "fake": percent(now.fake_detection),
            "reliable": percent(now.reliable_detection),
            "discernment": percent(now.discernment),
            "unsure": now.unsure.hits,
            "count": now.items,
        }
        before = state.quiz.measures(state.quiz.order[0])
        if len(state.quiz.order) == 1:
            out.say("utter_quiz_done_pre", **figures)
        elif form == RETEST_FORM:
            state.retest, state.retest_due = Retest.DONE, None
            after = percent(state.quiz.measures(state.quiz.order[1]).discernment)
            self._say_change(out, before, now, figures, "utter_quiz_done_retest", after=after)
            out.messages.append(Message(custom={"type": RETEST, "due": None}))
        else:
            self._say_change(out, before, now, figures, "utter_quiz_done_post")
            if state.retest is None and self.quiz is not None:
                state.retest = Retest.OFFERED
                out.say("utter_offer_retest")
                return
        out.say("utter_menu")

    def _say_change(
        self,
        out: Outcome,
        before: Measures,
        now: Measures,
        figures: QuizFigures,
        result: str,
        **more: Any,
    ) -> None:
        """The result of the post-test or of the re-test, then whether the change since the
        pre-test is more than chance (never a « Bravo » for a change within chance or a drop)."""
        step = change(before, now)
        gain = points(None if step is None else step.delta)
        out.say(result, before=percent(before.discernment), gain=gain, **figures, **more)
        if step is None:
            out.say("utter_quiz_change_unknown")
            return
        out.say(
            f"utter_quiz_change_{step.direction}",
            margin=points(step.margin, signed=False),
            answers=before.judged + now.judged,
        )

    # ----- the delayed re-test ------------------------------------------------------------
    def concerns(self, state: State, turn: Turn) -> bool:
        """At rest: the answer to « Je te repropose un quiz dans une semaine ? » (its buttons,
        typed or pressed, or a yes / no while they are on screen), form C chosen, or a
        greeting when form C is due (offered first)."""
        if turn.intent in {"affirm", "deny"}:
            return state.retest is Retest.OFFERED and self._offer_on_screen(state)
        if turn.intent == "choose_option":
            return turn.entities.get("choice") == RETEST_CHOICE
        return turn.intent == "greet" and self.retest_due(state)

    def handle(self, out: Outcome, turn: Turn) -> None:
        state = out.state
        if turn.intent == "greet":
            out.say("utter_greet")
            out.say("utter_offer_retest_due")
        elif turn.intent == "affirm":
            state.retest, state.retest_due = Retest.YES, self.now() + RETEST_AFTER
            out.say("utter_retest_yes")
            out.messages.append(
                Message(custom={"type": RETEST, "due": state.retest_due.isoformat()})
            )
            out.say("utter_menu")
        elif turn.intent == "deny":
            state.retest = Retest.NO
            out.say("utter_retest_no")
            out.say("utter_menu")
        elif self.retest_due(state):
            self.start(out, turn.message_id)
        elif state.retest is Retest.YES and state.retest_due is not None:
            out.say("utter_retest_not_yet", due=f"{state.retest_due:%d/%m}")
            out.say("utter_menu")
        else:
            out.say("utter_quiz_all_done" if len(state.quiz.order) >= 2 else "utter_menu")

    @staticmethod
    def _offer_on_screen(state: State) -> bool:
        offer = typed_buttons.domain_buttons()["utter_offer_retest"]
        return any(button in state.offered for button in offer)

    def progress(self, out: Outcome) -> None:
        """The quiz part of « mes progrès »: the same figures as at the end of each quiz."""
        record = out.state.quiz
        done = [form for form in record.order if form != out.state.quiz_form]
        if not done:
            return
        first = record.measures(done[0])
        if len(done) == 1:
            out.say("utter_progress_quiz_pre", discernment=percent(first.discernment))
            return
        second = record.measures(done[1])
        step = change(first, second)
        out.say(
            "utter_progress_quiz_post",
            before=percent(first.discernment),
            discernment=percent(second.discernment),
            gain=points(None if step is None else step.delta),
            margin=points(None if step is None else step.margin, signed=False),
        )
        if len(done) == 3:
            delayed = record.measures(done[2]).discernment
            out.say("utter_progress_quiz_retest", discernment=percent(delayed))
