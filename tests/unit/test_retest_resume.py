"""The web chat's way back for the delayed re-test: a retest token (its own salt, 30 days at
most) that `/chat/resume` turns into a new session of the same learner; never a session token
itself, never accepted when forged, foreign or expired."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.core.security.chat_sessions import (
    RETEST_MAX_AGE_SECONDS,
    InvalidSession,
    SessionSigner,
)

PEPPER = "p" * 32


def test_resume_gives_a_new_session_of_the_same_learner() -> None:
    signer = SessionSigner("k" * 32, 3600)
    token, chat = signer.issue("K7WQ3MZP")
    retest = signer.issue_retest(chat)
    again, back = signer.resume(retest)
    assert retest not in (token, again)
    assert back == chat and back.learner(PEPPER) == chat.learner(PEPPER)
    assert signer.read(again) == chat


def test_a_retest_token_is_not_a_session_token_nor_the_reverse() -> None:
    signer = SessionSigner("k" * 32, 3600)
    token, chat = signer.issue(None)
    with pytest.raises(InvalidSession):
        signer.read(signer.issue_retest(chat))
    with pytest.raises(InvalidSession):
        signer.resume(token)
    with pytest.raises(InvalidSession):
        signer.resume(SessionSigner("another key!" * 3, 3600).issue_retest(chat))


def test_a_retest_token_expires_after_30_days(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = SessionSigner("k" * 32, 40 * 86400)
    retest = signer.issue_retest(signer.issue(None)[1])
    issued = time.time()
    monkeypatch.setattr(time, "time", lambda: issued + RETEST_MAX_AGE_SECONDS - 60)
    signer.resume(retest)
    monkeypatch.setattr(time, "time", lambda: issued + RETEST_MAX_AGE_SECONDS + 60)
    with pytest.raises(InvalidSession):
        signer.resume(retest)


def test_the_resume_route(client: TestClient) -> None:
    signer: SessionSigner = client.app.state.signer  # type: ignore[attr-defined]
    _token, chat = signer.issue(None)
    response = client.post("/chat/resume", json={"token": signer.issue_retest(chat)})
    assert response.status_code == 201
    assert signer.read(response.json()["session_id"]) == chat
    forged = SessionSigner("another key!" * 3, 3600).issue_retest(chat)
    for bad in ("not-a-token", forged, _token):
        assert client.post("/chat/resume", json={"token": bad}).status_code == 401
    for body in ({}, {"token": ""}, {"token": "x" * 600}, {"token": "x", "extra": 1}):
        assert client.post("/chat/resume", json=body).status_code == 422
