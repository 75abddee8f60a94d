"""The delayed re-test on Telegram: the real PTB Application on the fake Bot API, a Rasa
stand-in that says yes like the engine does. The job is scheduled and stored, survives a
restart (a new Application on the same store), fires when the bridge's clock (its test-only
offset: no sleeping a week) passes the due date, and its button starts form C; /oubli and
« no re-test any more » delete it; the retention purge forgets a stale one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.retest import BUTTON_DATA, STORE_FILE, Planned, RetestStore, job_name
from tests.telegram import fake_bot_api as tg
from tests.telegram.conftest import BridgeFactory, RunningBridge
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.stub_rasa import StubRasa
from vigie.clock import ClockSettings
from vigie.protocol import RETEST, RETEST_PAYLOAD
from vigie.pseudonym import learner_id

LEARNER = 5151
WEEK = timedelta(days=7)


def engine_like(due: datetime | None) -> Any:
    """Rasa's answers: « oui » is the yes to the re-test question, « oubli » the confirmed
    erasure, « non » the re-test called off; anything else an echo."""

    def reply(_sender: str, message: str) -> tuple[int, list[dict[str, Any]], float]:
        if message == "oui":
            custom = {"type": RETEST, "due": due.isoformat() if due else None}
            return 200, [{"text": "C'est noté 📅"}, {"custom": custom}], 0.0
        if message == "non":
            return 200, [{"text": "D'accord"}, {"custom": {"type": RETEST, "due": None}}], 0.0
        if message == "oubli":
            return 200, [{"text": "🧹 C'est fait"}, {"custom": {"type": "forget"}}], 0.0
        return 200, [{"text": f"reçu : {message}"}], 0.0

    return reply


def stored(var_dir: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(var_dir / STORE_FILE) as db:
        return db.execute("SELECT chat_id, due, learner FROM retest").fetchall()


def jobs(bridge: RunningBridge, chat_id: int = LEARNER) -> list[Any]:
    queue = bridge.application.job_queue
    assert queue is not None
    return [job for job in queue.get_jobs_by_name(job_name(chat_id)) if not job.removed]


def say(bot_api: FakeBotApi, text: str, count: int) -> None:
    bot_api.inject(tg.text(LEARNER, text))
    bot_api.wait_sent(LEARNER, count)
    bot_api.wait_quiet()


def test_the_job_survives_a_restart_and_fires_when_the_clock_passes_the_due_date(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, tmp_path: Path
) -> None:
    due = datetime.now(UTC) + WEEK
    rasa.script = engine_like(due)
    first = start_bridge()
    say(bot_api, "oui", 1)
    pseudonym = learner_id("telegram", str(LEARNER), first.settings.secret("pepper"))
    # only the chat id, the due time and a pseudonym prefix are kept
    assert stored(tmp_path) == [(LEARNER, due.isoformat(), pseudonym[:12])]
    (job,) = jobs(first)
    assert abs((job.next_t - due).total_seconds()) < 60
    first.stop()

    # a week later but three seconds: a new Application on the same store
    offset = (due - datetime.now(UTC)).total_seconds() - 3.0
    second = start_bridge(test_clock_offset_seconds=offset)
    bot_api.wait_for(lambda: jobs(second), what="the job re-scheduled at start")
    assert bot_api.texts(LEARNER) == ["C'est noté 📅"]  # not yet
    reminder = bot_api.wait_sent(LEARNER, 2, timeout=20)[-1]
    assert "quiz de rappel" in reminder.text
    assert [b["callback_data"] for b in reminder.buttons] == [BUTTON_DATA]
    assert stored(tmp_path) == [] and jobs(second) == []  # sent once, then forgotten

    # its button starts form C, with no keyboard kept in memory (it works after a restart too)
    bot_api.inject(tg.press(LEARNER, reminder, BUTTON_DATA))
    bot_api.wait_for(lambda: RETEST_PAYLOAD in rasa.messages(), what="form C asked for")


def test_an_overdue_job_fires_at_start(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, tmp_path: Path
) -> None:
    """The bridge was down when the re-test fell due: it is sent as soon as it is back."""
    RetestStore(tmp_path / STORE_FILE).put(
        Planned(LEARNER, datetime.now(UTC) - timedelta(hours=2), "abc")
    )
    start_bridge()
    reminder = bot_api.wait_sent(LEARNER, 1)[-1]
    assert reminder.buttons and stored(tmp_path) == []


def test_oubli_deletes_the_job(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, tmp_path: Path
) -> None:
    rasa.script = engine_like(datetime.now(UTC) + WEEK)
    bridge = start_bridge()
    say(bot_api, "oui", 1)
    assert len(jobs(bridge)) == 1 and stored(tmp_path)
    say(bot_api, "oubli", 2)  # the API is closed here: the erasure fails, the job goes anyway
    assert jobs(bridge) == [] and stored(tmp_path) == []


def test_called_off_deletes_the_job(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, tmp_path: Path
) -> None:
    rasa.script = engine_like(datetime.now(UTC) + WEEK)
    bridge = start_bridge()
    say(bot_api, "oui", 1)
    say(bot_api, "non", 2)
    assert jobs(bridge) == [] and stored(tmp_path) == []


def test_the_retention_purge_forgets_a_stale_re_test(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, tmp_path: Path
) -> None:
    """Not sent within the conversation retention after its due date (the bridge was down for
    a month): the learner's conversation is gone, so is the re-test."""
    store = RetestStore(tmp_path / STORE_FILE)
    store.put(Planned(LEARNER, datetime.now(UTC) - timedelta(days=31), "abc"))
    store.put(Planned(LEARNER + 1, datetime.now(UTC) + WEEK, "def"))
    bridge = start_bridge(conversation_retention_days=30)
    bot_api.wait_for(lambda: jobs(bridge, LEARNER + 1), what="the bridge's start")
    assert [row[0] for row in stored(tmp_path)] == [LEARNER + 1]
    assert jobs(bridge) == [] and len(jobs(bridge, LEARNER + 1)) == 1
    assert bot_api.texts(LEARNER) == []


def test_the_store_is_private(tmp_path: Path) -> None:
    RetestStore(tmp_path / STORE_FILE)
    assert (tmp_path / STORE_FILE).stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"public_url": "https://vigie.example.org"},
        {"var_dir": Path(__file__).resolve().parents[2] / "var"},
    ],
)
def test_production_settings_refuse_the_test_clock(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="tests only"):
        ClockSettings(test_clock_offset_seconds=60, **overrides)
    assert ClockSettings(**overrides).now()() <= datetime.now(UTC)  # no offset: accepted


def test_a_test_stack_may_move_its_clock(tmp_path: Path) -> None:
    """A throw-away var dir and a loopback public URL (the test stack's): accepted."""
    settings = ClockSettings(
        test_clock_offset_seconds=WEEK.total_seconds(),
        public_url="http://127.0.0.1:8000",
        var_dir=tmp_path,
    )
    assert settings.now()() - datetime.now(UTC) > WEEK - timedelta(minutes=1)
