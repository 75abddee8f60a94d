"""« Dans la peau du manipulateur » (issue 17): pick a mission, build a weakened manipulation one
technique a turn, see the fictional audience react, see it taken apart, then recognise two
techniques on new examples.

Pure like the engine: its words come from scenarios/missions.yml and techniques.yml. The post
the learner builds is only ever a picture stamped « EXERCICE » with a neutral alt text: this
module never sends its words as text, and keeps technique codes only, never what was typed.
"""

from __future__ import annotations

from typing import Any

from actions import answer_parsing
from actions.conversation import (
    EventDraft,
    Message,
    MissionProgress,
    Outcome,
    State,
    Turn,
    choice_payload,
)
from actions.phase import Phase
from scenarios.missions import Mission, Missions, Technique, TechniqueEntry
from vigie.protocol import RESULT

LETTERS = "abc"


def _fold_words(entry: TechniqueEntry) -> list[str]:
    return [answer_parsing.fold(word) for word in [entry.name, *entry.words]]


class Manipulator:
    def __init__(self, missions: Missions, vocabulary: dict[Technique, TechniqueEntry]) -> None:
        self.missions = missions
        self.vocabulary = vocabulary

    # ----- where the learner is ----------------------------------------------------------
    def mission(self, state: State) -> Mission | None:
        return self.missions.get(state.mission.mission) if state.mission else None

    def offered(self, state: State) -> list[Technique]:
        """The techniques on the learner's screen now: a turn's choices, or a question's options."""
        mission, progress = self.mission(state), state.mission
        if mission is None or progress is None:
            return []
        if progress.position < len(mission.turns):
            return [choice.technique for choice in mission.turns[progress.position].choices]
        question = progress.position - len(mission.turns)
        return (
            list(mission.recognition[question].options)
            if question < len(mission.recognition)
            else []
        )

    def read(self, state: State, turn: Turn) -> Technique | None:
        """The technique a button names, a typed position (« 2 », « la b ») or typed words
        (« l'émotion », « le faux expert »: the longest phrase found wins)."""
        offered = self.offered(state)
        pressed = turn.entities.get("choice", "")
        if pressed in {code.value for code in offered}:
            return Technique(pressed)
        raw = pressed or turn.text
        letter = answer_parsing.parse_choice(raw, list(LETTERS[: len(offered)]))
        if letter is not None:
            return offered[LETTERS.index(letter)]
        folded = f" {answer_parsing.fold(turn.text)} "
        found = [
            (len(word), code)
            for code in offered
            for word in _fold_words(self.vocabulary[code])
            if word and f" {word} " in folded
        ]
        return max(found)[1] if found else None

    # ----- the flow ----------------------------------------------------------------------
    def pick(self, out: Outcome) -> None:
        plain = out.state.plain
        out.messages.append(
            Message(
                text=self.missions.screens.say("pick", plain),
                buttons=[
                    {
                        "title": f"{number} · {mission.title.text(plain)}",
                        "payload": choice_payload(mission.id),
                    }
                    for number, mission in enumerate(self.missions.missions, start=1)
                ],
            )
        )

    def start(self, out: Outcome, mission: Mission, message_id: str) -> None:
        state = out.state
        attempt = f"{mission.id}:{message_id}"
        state.mission = MissionProgress(mission=mission.id, attempt=attempt)
        state.phase = Phase.MISSION
        state.fallbacks = 0
        out.events.append(mission_event(attempt, "start", "mission_started", mission))
        self._text(
            out,
            "intro",
            title=mission.title.text(state.plain),
            pitch=mission.pitch.text(state.plain),
            turns=len(mission.turns),
        )
        self.ask(out)

    def resume(self, out: Outcome) -> None:
        mission = self.mission(out.state)
        assert mission is not None
        out.state.phase = Phase.MISSION
        self._text(out, "resume", title=mission.title.text(out.state.plain))
        self.ask(out)

    def ask(self, out: Outcome) -> None:
        """The current turn's prompt with its choices, or the current recognition question."""
        state, mission, progress = out.state, self.mission(out.state), out.state.mission
        assert mission is not None and progress is not None
        plain = state.plain
        if progress.position < len(mission.turns):
            turn = mission.turns[progress.position]
            text = self.missions.screens.say(
                "turn",
                plain,
                number=progress.position + 1,
                count=len(mission.turns),
                prompt=turn.prompt.text(plain),
            )
            titles = [choice.label.text(plain) for choice in turn.choices]
            codes = [choice.technique for choice in turn.choices]
        else:
            number = progress.position - len(mission.turns)
            question = mission.recognition[number]
            text = self.missions.screens.say(
                "recognition",
                plain,
                number=number + 1,
                count=len(mission.recognition),
                example=question.example.text(plain),
            )
            codes = list(question.options)
            titles = [self.vocabulary[code].name for code in codes]
        out.messages.append(
            Message(
                text=text,
                buttons=[
                    {"title": f"{number} · {title}", "payload": choice_payload(code.value)}
                    for number, (title, code) in enumerate(zip(titles, codes, strict=True), 1)
                ],
            )
        )

    def help(self, out: Outcome) -> None:
        """How to answer (« aide »), then the same question."""
        self._text(out, "help")
        self.ask(out)

    def answer(self, out: Outcome, turn: Turn) -> None:
        state, mission, progress = out.state, self.mission(out.state), out.state.mission
        if mission is None or progress is None:  # a mission removed from the file: back home
            state.mission, state.phase = None, Phase.IDLE
            out.say("utter_menu")
            return
        code = self.read(state, turn)
        if code is None:
            state.fallbacks += 1
            self.help(out)
            return
        state.fallbacks = 0
        if progress.position < len(mission.turns):
            self._build(out, mission, progress, code)
        else:
            self._recognise(out, mission, progress, code)

    def _build(
        self, out: Outcome, mission: Mission, progress: MissionProgress, code: Technique
    ) -> None:
        """The card of the post so far (a picture; its alt text when the file is missing), the
        audience's reaction; after the last turn, the takedown and the first question."""
        plain = out.state.plain
        choice = next(c for c in mission.turns[progress.position].choices if c.technique == code)
        card = choice.card
        out.messages.append(
            Message(
                text=self.missions.screens.say("card", plain, alt=card.alt),
                image=card.file,
                custom={"type": RESULT, "alt": card.alt, "exercise": True},
            )
        )
        reaction = choice.reaction
        self._text(
            out,
            "reaction",
            likes=reaction.likes,
            shares=reaction.shares,
            comments="\n".join(f"💬 « {comment} »" for comment in reaction.comments),
        )
        progress.techniques.append(code.value)
        progress.position += 1
        if progress.position == len(mission.turns):
            self._takedown(out, mission, progress)
        self.ask(out)

    def _takedown(self, out: Outcome, mission: Mission, progress: MissionProgress) -> None:
        plain = out.state.plain
        lines = [self._text_of("takedown", plain, takedown=mission.takedown.text(plain))]
        for code in used(progress):
            entry = self.vocabulary[Technique(code)]
            lines.append(
                self._text_of("technique", plain, name=entry.name, definition=entry.definition)
            )
        out.messages.append(Message(text="\n".join(lines)))
        self._text(out, "recognition_intro", count=len(mission.recognition))

    def _recognise(
        self, out: Outcome, mission: Mission, progress: MissionProgress, code: Technique
    ) -> None:
        plain = out.state.plain
        question = mission.recognition[progress.position - len(mission.turns)]
        correct = code == question.answer
        progress.recognised += correct
        out.events.append(
            mission_event(
                progress.attempt,
                question.id,
                "technique_recognised",
                mission,
                step=question.id,
                correct=correct,
                techniques=[question.answer.value],
            )
        )
        self._text(
            out,
            "right" if correct else "wrong",
            name=self.vocabulary[question.answer].name,
            explanation=question.explanation.text(plain),
        )
        progress.position += 1
        if progress.position < len(mission.turns) + len(mission.recognition):
            self.ask(out)
        else:
            self._finish(out, mission, progress)

    def _finish(self, out: Outcome, mission: Mission, progress: MissionProgress) -> None:
        out.events.append(
            mission_event(
                progress.attempt,
                "done",
                "mission_completed",
                mission,
                techniques=used(progress),
                points=progress.recognised,
                max_points=len(mission.recognition),
            )
        )
        self._text(out, "done", right=progress.recognised, count=len(mission.recognition))
        out.state.mission, out.state.phase = None, Phase.IDLE
        out.say("utter_menu")

    # ----- words -------------------------------------------------------------------------
    def _text_of(self, screen: str, plain: bool, **variables: object) -> str:
        return self.missions.screens.say(screen, plain, **variables)

    def _text(self, out: Outcome, screen: str, **variables: object) -> None:
        out.messages.append(Message(text=self._text_of(screen, out.state.plain, **variables)))


def used(progress: MissionProgress) -> list[str]:
    """The techniques' codes the learner used, in order, once each."""
    return list(dict.fromkeys(progress.techniques))


def mission_event(
    attempt: str, suffix: str, kind: str, mission: Mission, **fields: Any
) -> EventDraft:
    """A mission's progress event: codes and numbers only, keyed to be stored once."""
    return EventDraft(
        key=f"{attempt}:{suffix}:{kind}", type=kind, fields={"scenario": mission.id} | fields
    )
