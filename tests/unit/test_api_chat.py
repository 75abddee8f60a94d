"""The web chat endpoints' contract (docs/architecture.md §4) without a Rasa server running."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.core.security.chat_sessions import SessionSigner


def session(client: TestClient) -> str:
    response = client.post("/chat/session", json={})
    assert response.status_code == 201
    return response.json()["session_id"]


def test_sessions_are_distinct_signed_tokens(client: TestClient) -> None:
    first, second = session(client), session(client)
    assert first != second
    assert len(first) > 20


def test_unknown_class_code_is_404(client: TestClient) -> None:
    response = client.post("/chat/session", json={"class_code": "ZZZZ99"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"message": "salut"},
        {"session_id": "x"},
        {"session_id": "x", "message": ""},
        {"session_id": "x", "message": "   "},
        {"session_id": "x", "message": "a" * 10_000},
        {"session_id": 12, "message": "salut"},
        {"session_id": "x", "message": ["salut"]},
        {"session_id": "x", "message": "salut", "extra": 1},
    ],
)
def test_bad_chat_bodies_get_a_clear_422(client: TestClient, body: dict) -> None:
    response = client.post("/chat", json=body)
    assert response.status_code == 422
    detail = response.json()
    assert detail["detail"] == "Requête invalide."
    assert detail["errors"] and all("field" in e and "message" in e for e in detail["errors"])


def test_non_json_body_is_422(client: TestClient) -> None:
    response = client.post(
        "/chat", content=b"not json{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_forged_and_foreign_tokens_are_401(client: TestClient) -> None:
    forged = SessionSigner("another key", 3600).issue(None)[0]
    for token in ("not-a-token", forged):
        response = client.post("/chat", json={"session_id": token, "message": "salut"})
        assert response.status_code == 401


def test_rasa_down_is_a_friendly_503_in_the_message_shape(client: TestClient) -> None:
    response = client.post("/chat", json={"session_id": session(client), "message": "salut"})
    assert response.status_code == 503
    body = response.json()
    assert isinstance(body, list) and body[0]["text"]
    assert body[0]["custom"] == {"type": "error", "code": "unavailable"}


def test_health_checks_the_database(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_index_page_is_french_and_loads_the_chat_script(client: TestClient) -> None:
    # the log it draws (role "log", aria-live "polite") is checked in Chromium:
    # tests/browser/test_widget.py
    page = client.get("/").text
    assert 'lang="fr"' in page and 'src="static/chat.js" data-mode="page"' in page
    script = client.get("/static/chat.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
