"""« Dans la peau du manipulateur » in the engine, in process (issue 17): a whole mission by
buttons and by typing, its events, the post never sent as text, and navigation (stop, resume,
repeat, help, forget, distress) as elsewhere."""

from __future__ import annotations

from actions.conversation import Message, State, Turn
from actions.engine import Engine
from actions.phase import Phase
from api.schemas.learner import ProgressEventIn
from scenarios.loader import default_catalogue
from scenarios.missions import ALT_PREFIX, Mission, default_missions, techniques
from tests.play import choose

ENGINE = Engine(default_catalogue(), lambda _text: [])
MISSIONS = default_missions()


def press(value: str, message_id: str = "m") -> Turn:
    return Turn(
        intent="choose_option",
        text=choose(value),
        entities={"choice": value},
        message_id=message_id,
    )


def typed(text: str, intent: str = "nlu_fallback") -> Turn:
    return Turn(intent=intent, text=text, confidence=0.4)


class Player:
    def __init__(self) -> None:
        self.state = State()
        self.messages: list[Message] = []
        self.events: list = []

    def say(self, turn: Turn) -> list[Message]:
        out = ENGINE.handle(self.state, turn)
        self.state = out.state
        self.messages += out.messages
        self.events += out.events
        return out.messages


def texts(messages: list[Message]) -> str:
    return "\n".join(m.text or "" for m in messages)


def buttons(messages: list[Message]) -> list[dict[str, str]]:
    return [b for m in messages for b in m.buttons]


def started(mission: Mission) -> Player:
    player = Player()
    listed = player.say(press("manipulator"))
    assert [b["payload"] for b in buttons(listed)] == [choose(m.id) for m in MISSIONS.missions]
    player.say(press(mission.id, "start"))
    assert player.state.phase is Phase.MISSION
    return player


def test_the_menu_offers_the_mission_mode_pressed_and_typed() -> None:
    first = MISSIONS.missions[0].id
    for title in ("dans la peau du manipulateur", "Dans la peau du manipulateur stp"):
        player = Player()
        menu = player.say(Turn(intent="list_scenarios", text="menu"))
        assert [m.response for m in menu] == ["utter_menu"]
        listed = player.say(typed(title))  # the button on screen, typed
        assert [b["payload"] for b in buttons(listed)][:1] == [choose(first)]


def test_a_whole_mission_by_buttons_builds_reacts_takes_apart_and_counts() -> None:
    mission = MISSIONS.missions[0]
    player = started(mission)
    chosen = []
    for turn in mission.turns:
        choice = turn.choices[-1]
        chosen.append(choice.technique.value)
        shown = player.say(press(choice.technique.value))
        (card,) = [m for m in shown if m.image]
        assert card.image == choice.card.file and card.custom is not None
        assert card.custom["alt"].startswith(ALT_PREFIX) and card.custom["exercise"] is True
        assert f"❤️ {choice.reaction.likes}" in texts(shown)
    said = texts(player.messages)
    for code in dict.fromkeys(chosen):  # taken apart with the debriefs' names
        assert f"{techniques()[code].name} : {techniques()[code].definition}" in said
    for question in mission.recognition:
        player.say(press(question.answer.value))
    assert player.state.phase is Phase.IDLE and player.state.mission is None
    assert [e.type for e in player.events] == [
        "mission_started",
        "technique_recognised",
        "technique_recognised",
        "mission_completed",
    ]
    done = player.events[-1].fields
    assert done == {
        "scenario": mission.id,
        "techniques": list(dict.fromkeys(chosen)),
        "points": 2,
        "max_points": 2,
    }
    assert all(e.fields["correct"] for e in player.events[1:3])
    # the API takes them as they are (codes only)
    for event in player.events:
        fields = {k: v for k, v in event.fields.items() if v is not None}
        ProgressEventIn.model_validate(
            {
                "id": "00000000-0000-4000-8000-000000000001",
                "type": event.type,
                "learner": "a" * 64,
                "occurred_at": "2026-12-01T10:00:00Z",
                **fields,
            }
        )


def test_the_built_post_is_never_sent_as_text() -> None:
    for mission in MISSIONS.missions:
        player = started(mission)
        for turn in mission.turns:
            player.say(press(turn.choices[0].technique.value))
        said = texts(player.messages)
        for turn in mission.turns:
            for choice in turn.choices:
                assert str(choice.card.data["body"]) not in said


def test_a_whole_mission_by_typing() -> None:
    mission = MISSIONS.get("mission_cantine")
    assert mission is not None
    player = started(mission)
    player.say(typed("l'émotion"))  # turn 1: emotion or conspiracy
    player.say(typed("le faux expert"))  # turn 2: fake expert or impersonation
    player.say(typed("2"))  # turn 3: the second choice, discrediting
    assert player.state.mission is not None
    assert player.state.mission.techniques == ["emotion", "fake_expert", "discrediting"]
    player.say(typed("b"))  # « quelle technique ? » options: fake_expert, polarisation, emotion
    player.say(typed("les deux camps attisés"))  # polarisation, the right one
    recognised = [e.fields["correct"] for e in player.events if e.type == "technique_recognised"]
    assert recognised == [False, True]
    assert player.events[-1].type == "mission_completed"
    assert player.events[-1].fields["points"] == 1


def test_an_answer_not_understood_asks_again_without_moving() -> None:
    player = started(MISSIONS.missions[1])
    before = player.state.model_copy(deep=True)
    shown = player.say(typed("euh jsp trop"))
    assert player.state.mission == before.mission
    assert MISSIONS.screens.say("help", False) in texts(shown)
    assert "Étape 1/" in texts(shown)


def test_navigation_stop_resume_repeat_help_forget_distress() -> None:
    mission = MISSIONS.missions[2]
    player = started(mission)
    player.say(press(mission.turns[0].choices[0].technique.value))
    assert "Étape 2/" in texts(player.say(Turn(intent="repeat", text="quoi")))
    assert "Étape 2/" in texts(player.say(Turn(intent="ask_hint", text="aide")))
    player.say(Turn(intent="stop", text="stop"))
    assert player.state.phase is Phase.IDLE and player.state.mission is not None
    menu = player.say(Turn(intent="list_scenarios", text="menu"))
    assert [m.response for m in menu] == ["utter_menu_resume"]
    assert "Étape 2/" in texts(player.say(press("resume")))
    player.say(Turn(intent="forget_me", text="oublie moi"))
    assert "Étape 2/" in texts(player.say(Turn(intent="deny", text="non")))
    assert player.state.phase is Phase.MISSION
    distress = player.say(Turn(intent="distress", text="on me harcèle"))
    assert [m.response for m in distress] == ["utter_offer_resume"]
    assert "Étape 2/" in texts(player.say(Turn(intent="affirm", text="oui")))
    player.say(Turn(intent="forget_me", text="oublie moi"))
    player.say(Turn(intent="affirm", text="oui"))
    assert player.state == State()


def test_the_mission_list_typed_by_number_starts_that_mission() -> None:
    player = Player()
    player.say(press("manipulator"))
    player.say(typed("2"))
    assert player.state.mission is not None
    assert player.state.mission.mission == MISSIONS.missions[1].id
