"""Forged chat sessions get 401 (docs/architecture.md §4), whatever they are made of: garbage, a
tampered or re-signed token, an expired one, another kind of Vigie credential, arbitrary Unicode.
Through the real app (no Rasa needed: the token is checked before any call to it), and once
through the real stack."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from api.core.security.chat_sessions import SessionSigner
from api.core.security.tokens import BEARER_SALT, SESSION_SALT, CredentialSigner
from api.main import create_app
from tests.conftest import Stack
from tests.security.conftest import make_settings
from tests.support.examples import examples

CHAT_SALT = "vigie-chat-session"


@pytest.fixture(scope="module")
def app_and_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    settings = make_settings(Path(tmp_path_factory.mktemp("chat-auth")))
    with TestClient(create_app(settings)) as client:
        yield client, settings.secret("session_key")


def status_of(client: TestClient, token: str) -> int:
    return client.post("/chat", json={"session_id": token, "message": "salut"}).status_code


def forgeries(key: str, genuine: str) -> dict[str, str]:
    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 400 * 86400

    payload, _, signature = genuine.rpartition(".")
    educator = CredentialSigner(key, salt=BEARER_SALT, max_age_seconds=3600)
    dashboard = CredentialSigner(key, salt=SESSION_SALT, max_age_seconds=3600)
    same_key_bad_shape = URLSafeTimedSerializer(key, salt=CHAT_SALT)
    return {
        "garbage": "forged.token",
        "empty signature": payload + ".",
        "no signature": payload,
        "flipped signature": payload + "." + signature[::-1],
        "tampered payload": ("A" if genuine[0] != "A" else "B") + genuine[1:],
        "other key": SessionSigner("not the key", 3600).issue(None)[0],
        "other salt": URLSafeTimedSerializer(key, salt="x").dumps({"sid": "abc", "class": None}),
        "expired": URLSafeTimedSerializer(key, salt=CHAT_SALT, signer=LongAgo).dumps(
            {"sid": "abc", "class": None}
        ),
        "sid not a string": same_key_bad_shape.dumps({"sid": 12, "class": None}),
        "not an object": same_key_bad_shape.dumps(["abc"]),
        "educator bearer token": educator.issue(educator_id=1, password_hash="h"),
        "dashboard cookie": dashboard.issue(educator_id=1, password_hash="h", with_csrf=True),
        "unicode": "jéton☃.ü.🙂",
        "nul byte": "abc\x00def",
    }


def test_every_kind_of_forged_session_is_401(app_and_key: tuple[TestClient, str]) -> None:
    client, key = app_and_key
    genuine = client.post("/chat/session", json={}).json()["session_id"]
    for label, token in forgeries(key, genuine).items():
        assert status_of(client, token) == 401, label


def test_a_chat_token_is_no_educator_credential(app_and_key: tuple[TestClient, str]) -> None:
    client, _ = app_and_key
    genuine = client.post("/chat/session", json={}).json()["session_id"]
    response = client.get("/api/v1/classes", headers={"Authorization": f"Bearer {genuine}"})
    assert response.status_code == 401
    client.cookies.set("vigie_session", genuine)
    try:
        assert client.get("/dashboard", follow_redirects=False).status_code == 303
    finally:
        client.cookies.clear()


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(token=st.text(min_size=1, max_size=512))
def test_any_session_string_is_401_or_422_never_500(
    app_and_key: tuple[TestClient, str], token: str
) -> None:
    client, _ = app_and_key
    assert status_of(client, token) in {401, 422}


@pytest.mark.integration
def test_forged_sessions_are_401_through_the_real_stack(stack: Stack) -> None:
    key = stack.settings().secret("session_key")
    genuine = httpx.post(f"{stack.api_url}/chat/session", json={}).json()["session_id"]
    for label, token in forgeries(key, genuine).items():
        response = httpx.post(
            f"{stack.api_url}/chat", json={"session_id": token, "message": "salut"}, timeout=30
        )
        assert response.status_code == 401, label
