"""The "fiable ou pas ?" discernment quiz: one of forms A and B as pre-test, the other as
post-test (form C is kept for a delayed re-test and never offered here).

Pure like the engine: it names domain responses, never judges the learner during the test
(a measure, not a lesson), and never defines a measure itself (scenarios/measures.py does).
"""

from __future__ import annotations

import random
from typing import TypedDict

from actions.conversation import EventDraft, Outcome, QuizAnswer, QuizRecord, State, Turn
from actions.phase import Phase
from actions.verdicts import UNSURE, read_verdict
from scenarios.measures import Measures, change
from scenarios.schema import Quiz, QuizItem, is_reliable

PRE_POST_FORMS = ("a", "b")
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
    def __init__(self, quiz: Quiz | None) -> None:
        self.quiz = quiz

    def items(self, form: str) -> list[QuizItem]:
        assert self.quiz is not None
        return self.quiz.forms[form]

    def next_form(self, record: QuizRecord, seed: str) -> str | None:
        """Pre-test: A or B at random; post-test: the other one; None when both are done."""
        if not record.order:
            return random.Random(seed).choice(PRE_POST_FORMS)
        if len(record.order) == 1:
            return next(form for form in PRE_POST_FORMS if form not in record.order)
        return None

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
        form = self.next_form(state.quiz, seed)
        if form is None:
            out.say("utter_quiz_all_done")
            return
        state.quiz.order.append(form)
        state.quiz.answers[form] = []
        state.quiz_form, state.quiz_index = form, 0
        state.phase = Phase.QUIZ
        post = len(state.quiz.order) == 2
        out.say(
            "utter_quiz_intro_post" if post else "utter_quiz_intro", count=len(self.items(form))
        )
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
        if len(state.quiz.order) == 1:
            out.say("utter_quiz_done_pre", **figures)
        else:
            before = state.quiz.measures(state.quiz.order[0])
            self._say_change(out, before, now, figures)
        out.say("utter_menu")

    def _say_change(
        self, out: Outcome, before: Measures, now: Measures, figures: QuizFigures
    ) -> None:
        """The post-test result, then whether the change is more than chance (never a
        « Bravo » for a change within chance or a drop)."""
        step = change(before, now)
        gain = points(None if step is None else step.delta)
        out.say("utter_quiz_done_post", before=percent(before.discernment), gain=gain, **figures)
        if step is None:
            out.say("utter_quiz_change_unknown")
            return
        out.say(
            f"utter_quiz_change_{step.direction}",
            margin=points(step.margin, signed=False),
            answers=before.judged + now.judged,
        )

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
