"""The Messenger bridge end to end: fake Graph API ⇄ real webhook app ⇄ REAL Rasa, actions
and API. Asserts what the learner sees in Messenger and what the API's database holds."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from scenarios.schema import OpenStep
from tests.conftest import Stack
from tests.messenger.conftest import Webhook, meta_settings, quick_reply, text
from tests.messenger.fake_graph_api import FakeGraphApi, Sent
from vigie.pseudonym import learner_id

pytestmark = pytest.mark.integration
SCENARIO = "annonce_mairie_college"
NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


class Learner:
    """One teen on Messenger: types, taps quick replies, and reads what came back."""

    def __init__(self, graph: FakeGraphApi, webhook: Webhook, sender: str) -> None:
        self.graph, self.webhook, self.sender = graph, webhook, sender

    @property
    def pseudonym(self) -> str:
        return learner_id("messenger", self.sender, self.webhook.settings.secret("pepper"))

    def _exchange(self, body: dict[str, Any]) -> list[Sent]:
        before = len(self.graph.to(self.sender))
        self.webhook.post(body)
        self.graph.wait_sent(self.sender, before + 1, timeout=90)
        self.webhook.idle(timeout=90)
        return self.graph.to(self.sender)[before:]

    def say(self, words: str) -> list[Sent]:
        return self._exchange(text(self.sender, words))

    def tap(self, title: str) -> list[Sent]:
        """Tap the quick reply titled `title`, or the number of `title` in a numbered list."""
        (last,) = [sent for sent in self.graph.to(self.sender) if sent.quick_replies][-1:]
        replies = {reply["title"]: reply["payload"] for reply in last.quick_replies}
        if title not in replies:
            numbers = {name: number for number, name in NUMBERED.findall(last.text)}
            assert title in numbers, f"no {title!r} in {last.text!r}"
            title = numbers[title]
            if title not in replies:  # beyond the 13th quick reply: its number is typed
                return self.say(title)
        return self._exchange(quick_reply(self.sender, title, replies[title]))


def texts(sent: list[Sent]) -> str:
    return "\n".join(item.text for item in sent)


def offered(sent: list[Sent]) -> list[str]:
    """The choices of the last message with quick replies, written out when numbered."""
    (last,) = [item for item in sent if item.quick_replies][-1:]
    titles = [reply["title"] for reply in last.quick_replies]
    if all(title.isdigit() for title in titles):
        return [name for _number, name in NUMBERED.findall(last.text)]
    return titles


@pytest.fixture
def learner(stack: Stack, tmp_path: Any) -> Iterator[Learner]:
    graph = FakeGraphApi()
    graph.start()
    settings = meta_settings(
        stack.var_dir,  # the stack's secrets: same pepper, same ingest token as the API
        graph,
        stack.rasa_url,
        api_url=stack.api_url,
        rasa_timeout_seconds=60.0,
        rate_limit_messages=1000,  # a test taps faster than any teen reads
    )
    webhook = Webhook(settings).start()
    yield Learner(graph, webhook, "7100000001")
    webhook.stop()
    graph.stop()


def test_a_scenario_on_messenger_distress_then_oubli_erases_everything(
    stack: Stack, learner: Learner
) -> None:
    scenario = default_catalogue().scenarios[SCENARIO]
    assert "Vigie" in texts(learner.say("salut"))
    menu = learner.say("on commence")
    assert {"Collège", "Lycée"} <= set(offered(menu))
    learner.tap("Collège")
    intro = learner.tap(scenario.title.fr)
    assert not learner.graph.refused, learner.graph.refused  # every message within Meta's limits
    # the item: its picture as an image attachment, then its alt text as text
    assert scenario.item.image is not None
    (picture,) = [sent for sent in intro if sent.image]
    assert picture.image and picture.image.endswith(scenario.item.image.file)
    following = intro[intro.index(picture) + 1]
    assert scenario.item.image.alt[:40] in following.text.replace("\u2024", ".")
    step = scenario.steps[0]
    assert isinstance(step, OpenStep) and step.prompt.fr in texts(intro)
    assert "points" in texts(learner.say(step.model_answer.fr))

    def scored() -> int:
        with sqlite3.connect(stack.var_dir / "vigie.db") as db:
            sql = "SELECT COUNT(*) FROM progress_events WHERE learner_id = ?"
            return int(db.execute(sql, (learner.pseudonym,)).fetchone()[0])

    assert wait_for(lambda: scored() > 0, 30)
    # distress interrupts the scenario, on Messenger as elsewhere, with the help lines
    help_lines = texts(learner.say("jme fais harceler sur snap ils arretent pas"))
    assert all(line in help_lines for line in ("3018", "119", "3114"))
    confirm = learner.say("oubli")
    assert offered(confirm) == ["Oui, tout effacer", "Non, garder"]
    assert "🧹" in texts(learner.tap("Oui, tout effacer"))
    assert scored() == 0
    with sqlite3.connect(stack.var_dir / "rasa_tracker.db") as tracker:
        sql = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
        assert tracker.execute(sql, (learner.pseudonym,)).fetchone()[0] == 0
    assert "7100000001" not in (stack.var_dir / "vigie.db").read_bytes().decode("latin-1")
