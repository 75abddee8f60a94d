"""Minors' privacy with the real stack: erasure from the chat, and canaries that never leak."""

from __future__ import annotations

import sqlite3

import pytest

from api.core.security.chat_sessions import SessionSigner
from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from tests.conftest import ARTIFACTS, Stack
from tests.integration.test_foundation import new_session, say, stored_events, texts
from tests.play import choose

pytestmark = pytest.mark.integration

CANARIES = [
    "Zéphyrine Quallibert",
    "06 71 42 93 58",
    "zephyrine.quallibert@exemple-canari.fr",
    "17 rue des Canaris Bleus",
    "@zephy_canari_83",
    "FR76 3000 6000 0112 3456 7890 189",
]


def learner_of(stack: Stack, token: str) -> str:
    settings = stack.settings()
    chat = SessionSigner(settings.secret("session_key"), 3600).read(token)
    return chat.learner(settings.secret("pepper"))


def tracker_rows(stack: Stack, learner: str) -> int:
    with sqlite3.connect(stack.var_dir / "rasa_tracker.db") as db:
        query = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
        return db.execute(query, (learner,)).fetchone()[0]


def test_forget_me_erases_progress_and_conversation(stack: Stack) -> None:
    scenario = default_catalogue().scenarios["annonce_mairie_college"]
    token = new_session(stack)
    learner = learner_of(stack, token)
    say(stack, token, choose(scenario.id))
    say(stack, token, "/answer_true")
    say(stack, token, choose("3"))
    assert wait_for(lambda: [e for e in stored_events(stack) if e[5] == learner], 60)
    assert tracker_rows(stack, learner) > 0

    confirm = say(stack, token, "/forget_me")
    assert "/affirm" in [b["payload"] for m in confirm for b in m.get("buttons", [])]
    replies = say(stack, token, "/affirm")
    assert "effacés" in texts(replies)
    assert {"type": "forget"} in [m.get("custom") for m in replies]
    assert [e for e in stored_events(stack) if e[5] == learner] == []
    assert tracker_rows(stack, learner) == 0


def test_canaries_never_reach_the_database_the_outbox_or_the_logs(stack: Stack) -> None:
    scenario = default_catalogue().scenarios["photo_inondation_college"]
    token = new_session(stack)
    say(stack, token, f"salut je m'appelle {CANARIES[0]}, mon num c'est le {CANARIES[1]}")
    say(stack, token, choose(scenario.id))
    say(stack, token, f"écris moi sur {CANARIES[2]} ou chez moi au {CANARIES[3]}")
    for message in ["/answer_false", choose("4")]:
        say(stack, token, message)
    say(
        stack,
        token,
        f"je demanderais à {CANARIES[4]} et je vérifierais la source, IBAN {CANARIES[5]}",
    )
    learner = learner_of(stack, token)
    assert wait_for(lambda: [e for e in stored_events(stack) if e[5] == learner], 60)

    haystacks = {}
    for path in [stack.var_dir / "vigie.db", stack.var_dir / "outbox.db"]:
        haystacks[path.name] = path.read_bytes().decode("utf-8", errors="ignore")
    for log in ARTIFACTS.glob("*.log"):
        haystacks[log.name] = log.read_text(encoding="utf-8", errors="ignore")
    for name, content in haystacks.items():
        for canary in CANARIES:
            assert canary not in content, f"{canary!r} found in {name}"
