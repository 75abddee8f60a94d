"""The "fiable ou pas ?" discernment quiz: a pre-test form, then the other form as post-test.

Pure like the engine: it names domain responses and never judges the learner aloud during
the test (a measure, not a lesson); scores follow the MIST split (fake / reliable / bias).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from actions.phase import Phase
from scenarios.schema import Quiz, QuizItem

if TYPE_CHECKING:
    from actions.engine import EventDraft, Outcome, State, Turn

FORMS = ("a", "b")
QUIZ_VERDICTS = {"answer_true": True, "answer_false": False, "answer_unsure": None}
POST_TEST_AFTER_SCENARIOS = 3


class QuizAnswer(BaseModel):
    item: str
    reliable: bool
    judged_reliable: bool | None


class QuizRecord(BaseModel):
    """Forms in the order taken (first = pre-test) and each form's answers."""

    order: list[str] = Field(default_factory=list)
    answers: dict[str, list[QuizAnswer]] = Field(default_factory=dict)


def discernment(answers: list[QuizAnswer]) -> dict[str, float | None]:
    """Fake detection, reliable detection, overall discernment (their mean), bias."""
    fakes = [a for a in answers if not a.reliable]
    reliables = [a for a in answers if a.reliable]
    fake = sum(a.judged_reliable is False for a in fakes) / len(fakes) if fakes else None
    reliable = (
        sum(a.judged_reliable is True for a in reliables) / len(reliables) if reliables else None
    )
    overall = None if fake is None or reliable is None else (fake + reliable) / 2
    # Positive bias: judges too much as fake (distrust); negative: too much as reliable.
    judged = [a for a in answers if a.judged_reliable is not None]
    bias = (
        sum(a.judged_reliable is False for a in judged) / len(judged) - len(fakes) / len(answers)
        if judged and answers
        else None
    )
    return {"fake": fake, "reliable": reliable, "discernment": overall, "bias": bias}


class QuizFlow:
    def __init__(self, quiz: Quiz | None) -> None:
        self.quiz = quiz

    def items(self, form: str) -> list[QuizItem]:
        assert self.quiz is not None
        return self.quiz.form_a if form == "a" else self.quiz.form_b

    def next_form(self, record: QuizRecord, seed: str) -> str | None:
        """Pre-test: a random form; post-test: the other one; None when both are done."""
        if not record.order:
            return random.Random(seed).choice(FORMS)
        if len(record.order) == 1:
            return "b" if record.order[0] == "a" else "a"
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
        """Record a verdict ("je sais pas" and skip count as no verdict) and go on."""
        state = out.state
        assert state.quiz_form is not None
        if turn.intent not in QUIZ_VERDICTS and turn.intent != "skip":
            out.say("utter_quiz_help")
            self.ask(out)
            return
        form = state.quiz_form
        item = self.items(form)[state.quiz_index]
        judged = QUIZ_VERDICTS.get(turn.intent)
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
        from actions.engine import EventDraft

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
        scores = discernment(state.quiz.answers[form])
        state.quiz_form, state.quiz_index, state.phase = None, 0, Phase.IDLE
        figures = {
            "fake": _percent(scores["fake"]),
            "reliable": _percent(scores["reliable"]),
        }
        if len(state.quiz.order) == 1:
            out.say("utter_quiz_done_pre", **figures)
        else:
            before = discernment(state.quiz.answers[state.quiz.order[0]])
            gain = (scores["discernment"] or 0) - (before["discernment"] or 0)
            out.say("utter_quiz_done_post", gain=f"{round(100 * gain):+d} points", **figures)
        out.say("utter_menu")


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(100 * rate)} %"
