"""Through `/chat` with the real stack: capture_depute_lycee played wholly by typing, its
investigate step included (typed tools, a refused tool, « j'ai fini ») (issue 16).

Uses the session's stack (tests/conftest.py); never edits the catalogue.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from scenarios.schema import ChoiceStep, InvestigateStep, Tool
from tests.conftest import Stack
from tests.integration.test_foundation import learner_of, new_session, say

pytestmark = pytest.mark.integration
SCENARIO = default_catalogue().scenarios["capture_depute_lycee"]
INVESTIGATE = next(s for s in SCENARIO.steps if isinstance(s, InvestigateStep))
CHOICE = next(s for s in SCENARIO.steps if isinstance(s, ChoiceStep))


def text_of(replies: list[dict]) -> str:
    return "\n".join(str(m.get("text") or "") for m in replies)


def scores(replies: list[dict]) -> list[dict]:
    return [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == "score"]


def results(replies: list[dict]) -> list[dict]:
    return [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == "result"]


def result_text(tool: Tool) -> str:
    move = INVESTIGATE.move(tool)
    assert move is not None
    return move.result.fr


def stored_moves(stack: Stack, learner: str) -> list[str] | None:
    """The tool codes of the learner's stored investigate step_scored event, once it arrived."""
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        row = db.execute(
            "SELECT moves FROM progress_events WHERE learner_id = ? AND type = 'step_scored'"
            " AND step_id = ?",
            (learner, INVESTIGATE.id),
        ).fetchone()
    return None if row is None else json.loads(row[0])


def test_capture_depute_lycee_played_wholly_by_typing(stack: Stack) -> None:
    session = new_session(stack)
    listed = say(stack, session, "lycée")  # the menu, typed; then the scenario's title, typed
    assert any(b["title"] == SCENARIO.title.fr for m in listed for b in m.get("buttons") or [])
    assert SCENARIO.steps[0].prompt.fr in text_of(say(stack, session, SCENARIO.title.fr))
    opened = say(stack, session, "je vérifie le compte du député et les archives")
    assert [s["step"] for s in scores(opened)] == ["verifier"]
    assert INVESTIGATE.prompt.fr in text_of(opened) and "Recherches restantes : 3" in text_of(
        opened
    )

    searched = say(stack, session, "je cherche la phrase sur google")
    (card,) = results(searched)
    assert card["tool"] == "search" and card["image"].endswith("capture_depute_lycee__search.png")
    assert card["alt"] and result_text(Tool.SEARCH) in text_of(searched)
    assert "Recherches restantes : 2" in text_of(searched)

    refused = say(stack, session, "recherche inversée")  # not on this step's menu
    assert not results(refused) and "Recherches restantes : 2" in text_of(refused)

    official = say(stack, session, "je vais sur le site officiel du député")
    assert [c["tool"] for c in results(official)] == ["official"]
    assert result_text(Tool.OFFICIAL) in text_of(official)

    done = say(stack, session, "j'ai fini")
    (score,) = scores(done)
    assert score["step"] == INVESTIGATE.id and score["points"] == score["max_points"] == 4
    assert INVESTIGATE.feedback.fr in text_of(done)

    say(stack, session, "c'est faux")
    sure = say(stack, session, "sûr et certain")
    (verdict,) = scores(sure)
    assert verdict["points"] == verdict["max_points"]

    (asked,) = [m for m in sure if m.get("buttons") and CHOICE.prompt.fr in str(m.get("text"))]
    right = next(o.label.fr for o in CHOICE.options if o.correct)
    letter = next(b["title"][0] for b in asked["buttons"] if b["title"].endswith(right))
    (choice,) = scores(say(stack, session, letter.lower()))
    assert choice["points"] == choice["max_points"]

    ended = say(stack, session, "j'attends")
    assert [s["step"] for s in scores(ended)] == ["partage"]
    assert SCENARIO.fact_checker.fr in text_of(ended)
    # the event reached the API with the tools' codes, in order, and no text
    moves = wait_for(lambda: stored_moves(stack, learner_of(stack, session)), 60, every=0.3)
    assert moves == ["search", "official"]
