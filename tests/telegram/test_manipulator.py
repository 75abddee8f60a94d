"""« Dans la peau du manipulateur » through the Telegram bridge (issue 17): fake Bot API ⇄ real
bridge ⇄ real Rasa, actions and API. Every card arrives as a photo captioned with its
« Exercice : » alt text, never as a text post; the mission's events reach the API."""

from __future__ import annotations

import json

import pytest

from devtools.wait import wait_for
from scenarios.missions import ALT_PREFIX, default_missions, techniques
from tests.conftest import Stack
from tests.telegram.test_integration import (  # noqa: F401 (fixtures)
    Learner,
    learner,
    live,
    query,
    start_live,
    texts,
    titles,
)

pytestmark = pytest.mark.integration


def test_a_whole_mission_through_the_bridge(stack: Stack, learner: Learner) -> None:  # noqa: F811
    mission = default_missions().missions[3]
    learner.open_menu()
    listed = learner.press("🎭 Dans la peau du manipulateur")
    assert f"4 · {mission.title.fr}" in titles(listed)
    learner.press("4 · ")
    for turn in mission.turns:
        choice = turn.choices[-1]
        replies = learner.press(f"{len(turn.choices)} · ")
        photos = [call for call in replies if call.method == "sendPhoto"]
        assert len(photos) == 1 and photos[0].text.endswith(choice.card.alt)
        assert ALT_PREFIX in photos[0].text
        assert str(choice.card.data["body"]) not in texts(replies)
    for question in mission.recognition:
        number = question.options.index(question.answer) + 1
        replies = learner.press(f"{number} · {techniques()[question.answer].name}")
    assert "Mission terminée : 2" in texts(replies)
    rows = wait_for(
        lambda: (
            (
                found := query(
                    stack,
                    "SELECT type, techniques FROM progress_events WHERE learner_id = ?"
                    " AND scenario_id = ?",
                    learner.pseudonym,
                    mission.id,
                )
            )
            and len(found) == 4
            and found
        ),
        60,
        every=0.3,
    )
    (done,) = [json.loads(row[1]) for row in rows if row[0] == "mission_completed"]
    # each technique once, in the order first used
    assert done == list(dict.fromkeys(turn.choices[-1].technique.value for turn in mission.turns))
