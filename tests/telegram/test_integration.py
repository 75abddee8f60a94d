"""The Telegram bridge end to end: fake Bot API ⇄ real PTB bridge ⇄ REAL Rasa, actions and API.

Asserts what the learner sees on Telegram and what the API's database holds.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions import investigation
from bot.messages import load_messages
from devtools.servers import TcpRelay
from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from scenarios.schema import (
    ChoiceStep,
    InvestigateStep,
    OpenStep,
    Scenario,
    ShareStep,
    VerdictStep,
)
from tests.conftest import Stack
from tests.telegram import fake_bot_api as tg
from tests.telegram.conftest import RunningBridge, bot_settings
from tests.telegram.fake_bot_api import Call, FakeBotApi
from vigie.pseudonym import learner_id

pytestmark = pytest.mark.integration
MESSAGES = load_messages()
TOOLS = investigation.tools()  # the investigate step's buttons
SHARE_TITLES = {"partager": "📤 Je partage", "attendre": "⏸️ J'attends", "signaler": "🚩 Je signale"}
# The verdict buttons, in order: verdict id (and `unsure`) → title
VERDICT_TITLES: dict[str, str] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "actions" / "verdict_scale.yml").read_text("utf-8")
)
SCENARIO = "annonce_mairie_college"  # open, verdict, choice and share steps


def scenario_of(scenario_id: str = SCENARIO) -> Scenario:
    return default_catalogue().scenarios[scenario_id]


class Learner:
    """One teen on Telegram: sends, presses, and reads what the bot answered."""

    def __init__(self, api: FakeBotApi, bridge: RunningBridge, user_id: int) -> None:
        self.api, self.bridge, self.id = api, bridge, user_id

    @property
    def pseudonym(self) -> str:
        return learner_id("telegram", str(self.id), self.bridge.settings.secret("pepper"))

    def _exchange(self, update: dict[str, Any], at_least: int, timeout: float) -> list[Call]:
        before = len(self.api.sent(self.id))
        self.api.inject(update)
        self.api.wait_sent(self.id, before + at_least, timeout)
        # the turn is over when the chat's lock is released (all replies delivered)
        self.api.wait_for(lambda: len(self.bridge.bridge.locks) == 0, timeout, "the turn to end")
        return self.api.sent(self.id)[before:]

    def say(self, text: str, timeout: float = 90.0) -> list[Call]:
        return self._exchange(tg.text(self.id, text), 1, timeout)

    def open_menu(self) -> list[Call]:
        """Greet, then ask to train (a new learner may first be offered the quiz)."""
        assert "Vigie" in texts(self.say("/start"))
        menu = self.say("on commence")
        assert {"Collège", "Lycée"} <= set(titles(menu)), texts(menu)
        return menu

    def open_scenario(self, scenario_id: str) -> list[Call]:
        title = scenario_of(scenario_id).title.fr
        self.open_menu()
        assert title in titles(self.press("Collège"))
        return self.press(title)

    def answer_open_step(self, scenario: Scenario) -> list[Call]:
        """Every scenario asks « comment tu vérifierais ? » first: its model answer, typed."""
        step = scenario.steps[0]
        assert isinstance(step, OpenStep)
        return self.say(step.model_answer.fr)

    def press(self, title_start: str, timeout: float = 90.0) -> list[Call]:
        """Press the button whose title starts with `title_start` on the latest keyboard."""
        keyboards = [c for c in self.api.sent(self.id) if c.buttons]
        assert keyboards, f"no keyboard to press {title_start!r} on: {self.api.texts(self.id)}"
        buttons = [b for b in keyboards[-1].buttons if b["text"].startswith(title_start)]
        assert buttons, f"no {title_start!r} in {[b['text'] for b in keyboards[-1].buttons]}"
        keyboard, button = keyboards[-1], buttons[0]
        replies = self._exchange(tg.press(self.id, keyboard, button["callback_data"]), 2, timeout)
        assert replies[0].text == MESSAGES("button_chosen", title=button["text"])
        return replies[1:]


def texts(calls: list[Call]) -> str:
    return "\n".join(call.text for call in calls)


def titles(calls: list[Call]) -> list[str]:
    return [button["text"] for call in calls for button in call.buttons]


def shown_letter(calls: list[Call], step: ChoiceStep) -> str:
    """The letter the right option is SHOWN at (options are shuffled per learner)."""
    right = next(o.label.fr for o in step.options if o.correct)
    (letter,) = [t[0] for t in titles(calls) if t[1:] == f") {right}"]
    return letter.lower()


def query(stack: Stack, sql: str, *args: Any) -> list[tuple]:
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        return db.execute(sql, args).fetchall()


LiveFactory = Callable[..., tuple[FakeBotApi, RunningBridge]]


@pytest.fixture
def start_live(stack: Stack) -> Iterator[LiveFactory]:
    """A fake Bot API and a bridge on the real stack (settings overridable)."""
    started: list[tuple[FakeBotApi, RunningBridge]] = []

    def start(**overrides: Any) -> tuple[FakeBotApi, RunningBridge]:
        api = FakeBotApi()
        api.start()
        settings = bot_settings(
            stack.var_dir,  # the stack's secrets: same pepper, same ingest token as the API
            api,
            overrides.pop("rasa_url", stack.rasa_url),
            **({"api_url": stack.api_url, "rasa_timeout_seconds": 60.0} | overrides),
        )
        started.append((api, RunningBridge(settings).start(api)))
        return started[-1]

    yield start
    for api, bridge in started:
        bridge.stop()
        api.stop()
        assert bridge.error is None


@pytest.fixture
def live(start_live: LiveFactory) -> tuple[FakeBotApi, RunningBridge]:
    """The bridge for functional tests: a test clicks faster than any teen reads, so the
    flood limit is lifted here (the flood test below uses the production defaults)."""
    return start_live(rate_limit_messages=1000)


_user_ids = iter(range(700_000_001, 800_000_000))


@pytest.fixture
def learner(live: tuple[FakeBotApi, RunningBridge]) -> Learner:
    api, bridge = live
    return Learner(api, bridge, next(_user_ids))


def test_start_greets_and_buttons_become_an_inline_keyboard(learner: Learner) -> None:
    greeting = learner.say("/start")
    assert "Vigie" in texts(greeting)
    menu = learner.open_menu()
    assert {"Collège", "Lycée"} <= set(titles(menu))
    datas = [b["callback_data"] for call in greeting + menu for b in call.buttons]
    assert datas and all(len(data.encode()) <= 64 for data in datas)
    assert all(call.ok and "parse_mode" not in call.params for call in greeting + menu)


def test_start_with_a_class_code_joins_the_class(stack: Stack, learner: Learner) -> None:
    code = "TG" + datetime.now(UTC).strftime("%H%M%S%f")[:10]
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        db.execute(
            "INSERT INTO classrooms (code, name, created_at) VALUES (?, ?, ?)",
            (code, "4e B", datetime.now(UTC).isoformat()),
        )
    replies = learner.say(f"/start {code}")
    assert replies[0].text == MESSAGES("class_joined")
    assert "Vigie" in texts(replies[1:])
    assert query(stack, "SELECT class_code FROM learners WHERE id = ?", learner.pseudonym) == [
        (code,)
    ]
    # an unknown code says so, then greets all the same
    replies = learner.say("/start ZZZZ0000")
    assert replies[0].text == MESSAGES("class_unknown")
    assert "Vigie" in texts(replies[1:])


def test_a_whole_scenario_by_buttons_and_typed_answers_then_oubli(
    stack: Stack, learner: Learner
) -> None:
    scenario = scenario_of()
    intro = learner.open_scenario(scenario.id)
    # the item once: its picture (served by the API on 127.0.0.1) uploaded, its alt as caption
    assert scenario.item.image is not None
    (photo,) = [call for call in intro if call.method == "sendPhoto"]
    assert scenario.item.author in photo.text
    assert scenario.item.image.alt in photo.params["caption"]
    assert next(iter(photo.files.values())).startswith(b"\x89PNG")
    # then « comment tu vérifierais ? », before any verdict button or feedback
    assert intro.index(photo) < len(intro) - 1
    assert scenario.steps[0].prompt.fr in intro[-1].text
    assert not titles(intro) and "➕" not in texts(intro)  # no button, no score yet
    replies = intro
    typed_choice = False
    for step in scenario.steps:
        if isinstance(step, VerdictStep):
            assert titles(replies) == list(VERDICT_TITLES.values())  # the fact-checker's scale
            replies = learner.press(VERDICT_TITLES[scenario.item.verdict])
            assert titles(replies)[:1] == ["1 · pas du tout"]
            replies = learner.press("4 ·")  # confidence by button (typed: tested below)
        elif isinstance(step, ChoiceStep):
            letter = shown_letter(replies, step)
            if typed_choice:
                replies = learner.press(f"{letter.upper()})")
            else:
                replies = learner.say(letter)  # typed: "b", the letter shown
                typed_choice = True
        elif isinstance(step, ShareStep):
            good = next(o.choice for o in step.options if o.good)
            replies = learner.press(SHARE_TITLES[good])
        elif isinstance(step, InvestigateStep):
            # one lateral move that brings evidence: its card as a photo, then « enough »
            move = next(m for m in step.moves if m.evidence and m.tool.lateral)
            card = learner.press(TOOLS.tools[move.tool].label)
            assert any(call.method == "sendPhoto" for call in card), texts(card)
            replies = learner.press(TOOLS.enough.label)
        else:
            assert isinstance(step, OpenStep)
            replies = learner.answer_open_step(scenario)
        assert "points" in texts(replies), (step.id, texts(replies))
    assert "🎉 Scénario terminé" in texts(replies)
    assert scenario.debrief.fr in texts(replies)

    def scored() -> list[tuple]:
        return query(
            stack,
            "SELECT step_id FROM progress_events WHERE learner_id = ? AND type = 'step_scored'",
            learner.pseudonym,
        )

    assert sorted(
        s[0] for s in wait_for(lambda: len(scored()) == len(scenario.steps) and scored())
    ) == sorted(s.id for s in scenario.steps)
    assert "scénarios terminés : 1" in texts(learner.say("/progres"))

    # /oubli asks first, with buttons; "Oui" erases the conversation's memory of the learner
    confirm = learner.say("/oubli")
    assert titles(confirm) == ["Oui, tout effacer", "Non, garder"]
    assert "🧹" in texts(learner.press("Oui, tout effacer"))
    assert "scénarios terminés : 0" in texts(learner.say("/progres"))


def test_oubli_erases_the_learner_from_the_database(stack: Stack, learner: Learner) -> None:
    code = "OUBLI" + datetime.now(UTC).strftime("%H%M%S%f")[:9]
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        db.execute(
            "INSERT INTO classrooms (code, name, created_at) VALUES (?, ?, ?)",
            (code, "5e A", datetime.now(UTC).isoformat()),
        )
    assert learner.say(f"/start {code}")[0].text == MESSAGES("class_joined")
    learner.open_scenario(SCENARIO)
    learner.answer_open_step(scenario_of())
    sql = "SELECT COUNT(*) FROM progress_events WHERE learner_id = ?"
    scored = sql + " AND type = 'step_scored'"
    assert wait_for(lambda: query(stack, scored, learner.pseudonym)[0][0] > 0)
    assert titles(learner.say("/oubli")) == ["Oui, tout effacer", "Non, garder"]
    assert "🧹" in texts(learner.press("Oui, tout effacer"))
    learner_rows = "SELECT COUNT(*) FROM learners WHERE id = ?"
    assert query(stack, sql, learner.pseudonym)[0][0] == 0
    assert query(stack, learner_rows, learner.pseudonym)[0][0] == 0
    with sqlite3.connect(stack.var_dir / "rasa_tracker.db") as tracker:
        conversation = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
        assert tracker.execute(conversation, (learner.pseudonym,)).fetchone()[0] == 0


def test_a_typed_confidence_digit_is_understood(learner: Learner) -> None:
    scenario = scenario_of()
    learner.open_scenario(scenario.id)
    learner.answer_open_step(scenario)
    learner.say("je cherche sur google")  # the investigation, typed
    assert "points" in texts(learner.say("j'ai fini"))
    learner.press(VERDICT_TITLES[scenario.item.verdict])
    assert "points" in texts(learner.say("4"))


def test_typed_markup_a_huge_message_and_a_stale_button_with_real_rasa(
    learner: Learner,
) -> None:
    replies = learner.say("*_[`]")
    assert replies and all(call.ok and "parse_mode" not in call.params for call in replies)
    (refusal,) = learner.say("ah" * 5_000)
    assert refusal.text.startswith(MESSAGES("too_long", max_chars=2000)[:20])
    stale = Call(
        "sendMessage",
        {},
        result={
            "message_id": 1,
            "date": int(time.time()),
            "chat": tg.private_chat(learner.id),
            "from": tg.BOT,
            "text": "vieux",
        },
    )
    before = len(learner.api.sent(learner.id))
    learner.api.inject(tg.press(learner.id, stale, "perime.0"))
    assert learner.api.wait_sent(learner.id, before + 1)[-1].text == MESSAGES("unknown_button")
    assert "Vigie" in texts(learner.say("/start"))


def test_group_chat_and_non_text_messages_never_reach_rasa(learner: Learner) -> None:
    group = tg.group_chat(-(learner.id))
    learner.api.inject(tg.text(learner.id, "/start", chat=group))
    (notice,) = learner.api.wait_sent(-(learner.id), 1)
    assert notice.text == MESSAGES("group_notice", bot_link="https://t.me/VigieTestBot")
    sticker = {
        "sticker": {
            "file_id": "S",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
    }
    learner.api.inject(tg.message(learner.id, **sticker))
    (answer,) = learner.api.wait_sent(learner.id, 1)
    assert answer.text == MESSAGES("not_text")
    assert learner.api.calls_to("getFile") == []


def test_50_messages_in_5_seconds_then_the_bridge_still_answers_others(
    start_live: LiveFactory,
) -> None:
    api, bridge = start_live()  # production flood limits
    flooder = next(_user_ids)
    started = time.monotonic()
    for second in range(5):
        api.inject(*(tg.text(flooder, f"spam {second} {i}") for i in range(10)))
        time.sleep(max(0.0, started + second + 1 - time.monotonic()))
    api.wait_for(lambda: MESSAGES("rate_limited") in api.texts(flooder), 60, "the warning")
    api.wait_for(lambda: len(bridge.bridge.locks) == 0, 120, "the flood's turns to end")
    assert api.texts(flooder).count(MESSAGES("rate_limited")) == 1
    limit = bridge.settings.rate_limit_messages
    relayed = [c for c in api.calls_to("sendChatAction") if c.params["chat_id"] == flooder]
    assert 0 < len(relayed) <= limit  # "typing…" marks each turn that reached Rasa
    assert bridge.running
    other = Learner(api, bridge, next(_user_ids))
    assert "Vigie" in texts(other.say("/start"))


def test_action_server_outage_gets_the_friendly_message_then_recovers(
    stack: Stack, learner: Learner
) -> None:
    learner.say("/start")
    stack.stop("actions")
    try:
        (answer,) = learner.say("/progres")
        assert answer.text == MESSAGES("unavailable")
    finally:
        stack.start("actions")
        stack.wait_ready(["actions"])
    assert learner.bridge.running
    assert "Vigie" in texts(learner.say("/start"))


def test_rasa_outage_gets_the_friendly_message_then_recovers(
    stack: Stack, start_live: LiveFactory
) -> None:
    """The bridge reaches the real Rasa through a relay; cut, Rasa's port refuses connections as
    when Rasa is stopped (Rasa itself restarting is tests/faults' business: restarting it here
    cost a minute of model loading)."""
    relay = TcpRelay(stack.ports.rasa).open()
    try:
        api, bridge = start_live(rate_limit_messages=1000, rasa_url=relay.url)
        learner = Learner(api, bridge, next(_user_ids))
        relay.close()
        (answer,) = learner.say("salut")
        assert answer.text == MESSAGES("unavailable")
        assert learner.bridge.running
        relay.open()
        assert "Vigie" in texts(learner.say("/start"))
    finally:
        relay.close()
