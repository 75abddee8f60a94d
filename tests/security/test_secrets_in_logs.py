"""No secret in any log: after a conversation that exercises every secret (pseudonym pepper,
chat-session key, the action token on each action call, the ingest token on each event batch, a
rejected call to the action server), none of the stack's secrets appears in test-artifacts/.
"""

from __future__ import annotations

import json
import stat

import httpx
import pytest

from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from tests.conftest import ARTIFACTS, Stack
from tests.integration.test_foundation import new_session, say, stored_events
from tests.integration.test_privacy import learner_of
from tests.play import choose, right_answers

pytestmark = pytest.mark.integration


def test_no_secret_reaches_a_log_file(stack: Stack) -> None:
    secrets_file = stack.var_dir / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    secrets = json.loads(secrets_file.read_text(encoding="utf-8"))
    assert set(secrets) >= {"pepper", "action_token", "ingest_token", "session_key"}

    scenario = default_catalogue().scenarios["citation_vraie_college"]
    token = new_session(stack)
    say(stack, token, "salut")
    say(stack, token, choose(scenario.id))
    for _step, messages in list(right_answers(scenario))[:2]:
        for message in messages:
            say(stack, token, message)
    learner = learner_of(stack, token)  # its events went through the ingest token
    assert wait_for(lambda: [e for e in stored_events(stack) if e[5] == learner], 60)
    bad = {"next_action": "action_vigie", "sender_id": "x", "tracker": {}, "domain": {}}
    url = f"http://127.0.0.1:{stack.ports.actions}/webhook"
    assert httpx.post(url, params={"token": "wrong"}, json=bad).status_code == 401
    forged = {"Authorization": "Bearer wrong"}
    assert httpx.post(f"{stack.api_url}/api/v1/events", json={}, headers=forged).status_code in {
        401,
        403,
    }

    logs = sorted(ARTIFACTS.rglob("*.log"))
    assert {"api.log", "actions.log", "rasa.log"} <= {log.name for log in logs}
    for log in logs:
        content = log.read_text(encoding="utf-8", errors="ignore")
        for name, value in secrets.items():
            assert value not in content, f"the {name} secret is in {log.name}"
