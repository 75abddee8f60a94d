"""End to end with the forwarder on: a learner plays a whole scenario through the shared stack's
`/chat` while its LRS is down (30 s at least), then Ralph starts on the port the API forwards to
(tests/xapi/stack_lrs.py). Every statement of the learner arrives exactly once, valid for
Ralph's models, its actor the pseudonym's account, without the learner's words, session token
or platform id; the outage is logged when it starts and when it ends, not at every round."""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from api.core.security.chat_sessions import SessionSigner
from api.core.settings import ApiSettings
from api.reports.xapi_statements import ADL_VERBS, statement_id
from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from scenarios.schema import OpenStep
from tests.conftest import Stack
from tests.integration.test_foundation import learner_of, new_session, say
from tests.play import choose, right_answers
from tests.xapi.conftest import RalphLRS, ralph_errors
from tests.xapi.stack_lrs import release_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

OUTAGE = 30.0
SCENARIO = default_catalogue().scenarios["annonce_mairie_college"]
PASS_THRESHOLD = ApiSettings.model_fields["xapi_pass_threshold"].default
DOWN = "xAPI: the LRS did not take"
BACK = "xAPI: the LRS takes statements again"

Row = tuple[str, str, int | None, int | None, str, int]


def outbox(stack: Stack, learner: str) -> list[Row]:
    """The learner's forwarded events: id, type, points, max, outbox state and attempts."""
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        return db.execute(
            "SELECT e.id, e.type, e.points, e.max_points, o.state, o.attempts"
            " FROM progress_events e JOIN xapi_outbox o ON o.event_id = e.id"
            " WHERE e.learner_id = ?",
            (learner,),
        ).fetchall()


def most_attempts(stack: Stack) -> int:
    """The most tries of a statement still queued, whoever's (a whole session's backlog may
    hold this learner's behind others for a while: each round tries one batch, oldest first)."""
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        query = "SELECT max(attempts) FROM xapi_outbox WHERE state = 'queued'"
        (most,) = db.execute(query).fetchone()
        return int(most or 0)


def expected_ids(rows: list[Row]) -> set[str]:
    """One statement per event, and « passed » beside « completed » when the score earns it."""
    ids = {statement_id(row[0]) for row in rows}
    for event_id, kind, points, maximum, _, _ in rows:
        if kind == "scenario_completed" and points is not None and maximum:
            assert points / maximum >= PASS_THRESHOLD  # right answers: « passed » is earned
            ids.add(statement_id(f"{event_id}:passed"))
    return ids


def test_a_learner_played_while_ralph_was_down_reaches_it_once(
    stack: Stack, tmp_path: Path
) -> None:
    port = urlsplit(stack.env["VIGIE_XAPI_LRS_URL"]).port
    assert port is not None
    api_log = stack.processes["api"].log
    logged_before = api_log.stat().st_size
    down_since = time.monotonic()

    session = new_session(stack)
    say(stack, session, choose(SCENARIO.id))
    typed = []
    for _step, messages in right_answers(SCENARIO):
        for message in messages:
            say(stack, session, message)
            if not message.startswith("/"):  # a button's payload; else the learner's words
                typed.append(message)
    (open_step,) = [step for step in SCENARIO.steps if isinstance(step, OpenStep)]
    assert open_step.model_answer.fr in typed
    learner = learner_of(stack, session)

    def complete() -> list[Row]:
        rows = outbox(stack, learner)
        return rows if any(row[1] == "scenario_completed" for row in rows) else []

    def delivered() -> list[Row]:
        rows = outbox(stack, learner)
        return rows if all(row[4] == "sent" for row in rows) else []

    rows = wait_for(complete, OUTAGE, every=0.5)
    assert rows and {row[4] for row in rows} == {"queued"}
    lrs = RalphLRS(tmp_path, port)  # its account, made while the LRS is still down
    time.sleep(max(0.0, OUTAGE - (time.monotonic() - down_since)))
    # the forwarder kept trying (connection refused) and kept everything
    assert most_attempts(stack) >= 1
    assert {row[4] for row in outbox(stack, learner)} == {"queued"}

    release_port(port)
    lrs.start()
    try:
        assert wait_for(delivered, 45, every=0.5)
        agent = {"objectType": "Agent", "account": {"homePage": stack.api_url, "name": learner}}
        found = lrs.statements(agent=json.dumps(agent))
    finally:
        lrs.stop()

    rows = outbox(stack, learner)
    assert rows and {row[4] for row in rows} == {"sent"}  # none lost, none refused
    ids = [statement["id"] for statement in found]
    assert sorted(ids) == sorted(expected_ids(rows))  # each exactly once
    verbs = Counter(statement["verb"]["id"].removeprefix(ADL_VERBS) for statement in found)
    assert verbs == {"attempted": 1, "answered": len(SCENARIO.steps), "completed": 1, "passed": 1}
    assert ralph_errors(found) == ""
    assert all(statement["actor"] == agent for statement in found)

    text = json.dumps(found, ensure_ascii=False)
    assert text.count(learner) == len(found)  # the pseudonym in the actor's account only
    assert all(words.casefold() not in text.casefold() for words in typed)
    signer = SessionSigner(stack.settings().secret("session_key"), 3600)
    assert session not in text and signer.read(session).session_id not in text
    assert "@" not in text and "mbox" not in text

    with api_log.open("rb") as log:
        log.seek(logged_before)
        logged = log.read().decode()
    assert logged.count(DOWN) <= 1 and logged.count(BACK) == 1
