"""Web chat rate limits (issue 13, items 4 and 5): new sessions per client address and per class,
messages per session; 429 with a JSON reason and Retry-After; generous defaults (a school
behind one address); a proxy's X-Forwarded-For believed only from the configured proxies.
Through the real app, with the limiter's clock injected (no sleeping, no timing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.core.security.chat_limits import ChatLimits
from api.core.settings import ApiSettings
from api.main import create_app
from tests.security.conftest import make_settings, signed_in
from tests.support.clock import ManualClock

SCHOOL = ("198.51.100.7", 40000)
HOME = ("203.0.113.20", 40000)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def limited_app(settings: ApiSettings, clock: ManualClock) -> FastAPI:
    app = create_app(settings)
    app.state.chat_limits = ChatLimits.from_settings(settings, clock=clock)
    return app


def from_address(app: FastAPI, address: tuple[str, int], **headers: str) -> TestClient:
    return TestClient(app, client=address, headers=headers)


def new_session(client: TestClient, class_code: str | None = None) -> int:
    return client.post("/chat/session", json={"class_code": class_code}).status_code


@pytest.fixture
def tight(tmp_path: Path) -> ApiSettings:
    return make_settings(
        tmp_path,
        chat_sessions_burst_per_address=5,
        chat_sessions_per_minute_per_address=6,  # one every 10 s
        chat_sessions_burst_per_class=3,
        chat_sessions_per_minute_per_class=1,
        chat_messages_burst_per_session=3,
        chat_messages_per_minute_per_session=60,
    )


def test_new_sessions_are_limited_per_address(tight: ApiSettings, clock: ManualClock) -> None:
    app = limited_app(tight, clock)
    school, home = from_address(app, SCHOOL), from_address(app, HOME)
    assert [new_session(school) for _ in range(5)] == [201] * 5
    refused = school.post("/chat/session", json={})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "10"
    assert "adresse" in refused.json()["detail"]
    assert new_session(home) == 201  # another address is not affected
    clock.advance(10)
    assert [new_session(school) for _ in range(2)] == [201, 429]


def test_a_class_cannot_be_padded_with_made_up_sessions(tmp_path: Path, clock: ManualClock) -> None:
    settings = make_settings(
        tmp_path, chat_sessions_burst_per_class=3, chat_sessions_per_minute_per_class=1
    )
    with TestClient(create_app(settings)) as client:
        code = signed_in(client, settings).code
        app = client.app
        assert isinstance(app, FastAPI)
        app.state.chat_limits = ChatLimits.from_settings(settings, clock=clock)
        # Even from many addresses, the class takes 3 new learners, then one a minute.
        addresses = [from_address(app, (f"192.0.2.{i}", 1000)) for i in range(1, 6)]
        assert [new_session(a, code) for a in addresses[:4]] == [201, 201, 201, 429]
        throttled = addresses[4].post("/chat/session", json={"class_code": code})
        assert "classe" in throttled.json()["detail"] and throttled.headers["retry-after"] == "60"
        assert new_session(addresses[4]) == 201  # a session without a class is not refused
        clock.advance(60)
        assert new_session(addresses[4], code) == 201


def test_messages_are_limited_per_session(tight: ApiSettings, clock: ManualClock) -> None:
    with from_address(limited_app(tight, clock), SCHOOL) as client:
        first = client.post("/chat/session", json={}).json()["session_id"]
        other = client.post("/chat/session", json={}).json()["session_id"]

        def say(session: str) -> int:
            # Rasa is on a closed port: an accepted message ends in the friendly 503.
            body = {"session_id": session, "message": "salut"}
            return client.post("/chat", json=body).status_code

        assert [say(first) for _ in range(4)] == [503, 503, 503, 429]
        assert say(other) == 503  # each session has its own allowance
        clock.advance(1)
        assert [say(first), say(first)] == [503, 429]
        refused = client.post("/chat", json={"session_id": first, "message": "salut"})
        assert refused.headers["retry-after"] == "1" and refused.json()["detail"]


def test_forged_sessions_stay_401_however_many(tight: ApiSettings, clock: ManualClock) -> None:
    with from_address(limited_app(tight, clock), SCHOOL) as client:
        body = {"session_id": "x.y.z", "message": "a"}
        assert {client.post("/chat", json=body).status_code for _ in range(5)} == {401}


@pytest.mark.slow
def test_the_defaults_let_a_whole_school_start_behind_one_address(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        code = signed_in(client, settings).code
        # 30 pupils of one class and 170 more from the same school address, within a minute
        assert [new_session(client, code) for _ in range(30)] == [201] * 30
        assert {new_session(client) for _ in range(170)} == {201}


@pytest.fixture
def behind_proxy(tight: ApiSettings, clock: ManualClock) -> Iterator[FastAPI]:
    yield limited_app(tight.model_copy(update={"trusted_proxies": "10.0.0.10"}), clock)


def test_a_trusted_proxy_forwards_each_clients_address(behind_proxy: FastAPI) -> None:
    proxy = ("10.0.0.10", 50000)
    school = from_address(behind_proxy, proxy, **{"X-Forwarded-For": SCHOOL[0]})
    home = from_address(behind_proxy, proxy, **{"X-Forwarded-For": HOME[0]})
    assert [new_session(school) for _ in range(6)] == [201] * 5 + [429]
    assert new_session(home) == 201  # behind nginx, every client is not one address


def test_a_forwarded_address_from_anyone_else_is_ignored(behind_proxy: FastAPI) -> None:
    statuses = [
        new_session(from_address(behind_proxy, SCHOOL, **{"X-Forwarded-For": f"192.0.2.{i}"}))
        for i in range(6)
    ]
    assert statuses == [201] * 5 + [429]  # a made-up header does not reset the limit
