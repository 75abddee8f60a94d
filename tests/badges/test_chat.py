"""Through `/chat` with the real stack (Rasa, action server, API): a learner earns a badge
(the same reflex in three scenarios' open answers), presses the button under the badge message,
keeps the pseudonym as the recipient, and downloads a credential that verifies; typed
« mon badge » reaches the same flow, and an e-mail typed as the recipient is refused.

Uses the session's stack (tests/conftest.py); never edits the catalogue.
"""

from __future__ import annotations

import json
import sqlite3

import httpx
import pytest

from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from tests.conftest import Stack
from tests.integration.test_foundation import learner_of, new_session, say

pytestmark = pytest.mark.integration
SCENARIOS = sorted(default_catalogue().scenarios)[:3]
SOURCE_ANSWER = "je regarde qui a publié ça et si la source est un média fiable"


def customs(replies: list[dict], kind: str) -> list[dict]:
    return [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == kind]


def buttons(replies: list[dict]) -> list[dict]:
    return [b for m in replies for b in m.get("buttons") or []]


def badge_stored(stack: Stack, learner: str) -> bool:
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        rows = db.execute(
            "SELECT criteria_found FROM progress_events WHERE learner_id = ?"
            " AND type = 'badge_awarded'",
            (learner,),
        ).fetchall()
    return any("SOURCE" in json.loads(row[0]) for row in rows)


def test_a_badge_earned_in_the_chat_becomes_a_verified_credential(stack: Stack) -> None:
    session = new_session(stack)
    for scenario in SCENARIOS:  # each one's open question, then paused (the next is chosen)
        say(stack, session, f'/choose_option{{"choice":"{scenario}"}}')
        answered = say(stack, session, SOURCE_ANSWER)
        say(stack, session, "/stop")
    offer = [b for b in buttons(answered) if b["payload"].startswith("/ask_credential")]
    assert offer, [m.get("text") for m in answered]
    assert wait_for(lambda: badge_stored(stack, learner_of(stack, session)), 15, 0.2)

    typed = say(stack, session, "je veux mon badge")  # the NLU's ask_credential
    assert any("ask_credential" in b["payload"] for b in buttons(typed)), typed
    asked = say(stack, session, offer[0]["payload"])
    own = next(b for b in buttons(asked) if b["payload"].endswith(':own"}'))
    say(stack, session, own["payload"])
    refused = say(stack, session, "lucas.martin@gmail.com")
    assert not customs(refused, "credential") and "e-mail" in json.dumps(
        refused, ensure_ascii=False
    )
    pseudonym = next(b for b in buttons(refused) if b["payload"].endswith(':pseudonym"}'))
    (ready,) = customs(say(stack, session, pseudonym["payload"]), "credential")

    token = httpx.get(ready["url"], timeout=10).text
    verdict = httpx.post(f"{stack.api_url}/badges/verify", json={"credential": token}, timeout=10)
    assert verdict.json()["valid"], verdict.text
    assert learner_of(stack, session) not in token
    assert httpx.get(ready["url"], timeout=10).status_code == 404  # one download only
