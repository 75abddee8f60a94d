"""Educator authentication: argon2 passwords, OAuth2 password → bearer, throttling, revocation."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api import educators
from api.main import create_app
from api.models import Educator
from api.security import passwords
from api.security.rate_limit import LoginLimiter
from api.security.tokens import BEARER_SALT, CredentialSigner
from api.settings import ApiSettings
from tests.educator.conftest import PASSWORD

REAL_TIME = time.time


def login(client: TestClient, username: str, password: str) -> object:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_password_login_gives_a_bearer_token_that_works(
    client: TestClient, alice: Educator
) -> None:
    response = login(client, "Alice@College.example ", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    listing = client.get(
        "/api/v1/classes", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert listing.status_code == 200 and listing.json() == []


def test_wrong_password_and_unknown_email_look_the_same(
    client: TestClient, alice: Educator
) -> None:
    wrong = login(client, alice.email, "pas le bon mot de passe")
    unknown = login(client, "personne@nulle.part", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_an_email_with_nul_is_just_unknown(client: TestClient, alice: Educator) -> None:
    # PostgreSQL text cannot hold NUL: the lookup used to fail there with a 500
    response = login(client, alice.email + "\x00", PASSWORD)
    assert response.status_code == 401
    assert response.json() == login(client, "personne@nulle.part", PASSWORD).json()


def test_missing_form_fields_are_422(client: TestClient) -> None:
    assert client.post("/api/v1/auth/token", data={"username": "x"}).status_code == 422
    assert client.post("/api/v1/auth/token", json={"username": "x"}).status_code == 422


def test_login_is_throttled_per_email_even_with_the_right_password(
    client: TestClient, alice: Educator, settings: ApiSettings
) -> None:
    for _ in range(settings.login_max_failures):
        assert login(client, alice.email, "mauvais").status_code == 401
    throttled = login(client, alice.email, PASSWORD)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    # another account from the same client is not locked out by these failures
    assert login(client, "other@college.example", "mauvais").status_code == 401


def test_login_is_throttled_per_client(settings: ApiSettings) -> None:
    strict = settings.model_copy(update={"login_ip_max_failures": 4})
    with TestClient(create_app(strict)) as client:
        statuses = [login(client, f"user{i}@example.org", "mauvais").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


def test_limiter_forgets_failures_after_the_window() -> None:
    now = [1000.0]
    limiter = LoginLimiter(window_seconds=60, clock=lambda: now[0])
    for _ in range(3):
        limiter.failed(["email:a"])
    assert limiter.retry_after({"email:a": 3}) == 60
    now[0] += 30
    assert limiter.retry_after({"email:a": 3}) == 30
    now[0] += 31
    assert limiter.retry_after({"email:a": 3}) == 0
    limiter.failed(["email:a"])
    limiter.succeeded("email:a")
    assert limiter.retry_after({"email:a": 1}) == 0


def test_forged_expired_and_foreign_tokens_are_401(
    client: TestClient, alice: Educator, settings: ApiSettings, monkeypatch
) -> None:
    foreign = CredentialSigner("another key", salt=BEARER_SALT, max_age_seconds=60)
    ours = CredentialSigner(settings.secret("session_key"), salt=BEARER_SALT, max_age_seconds=60)
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: REAL_TIME() - settings.educator_token_minutes * 61)
        expired = ours.issue(educator_id=alice.id, password_hash=alice.password_hash)
    for token in (
        "not-a-token",
        foreign.issue(educator_id=alice.id, password_hash=alice.password_hash),
        expired,
        ours.issue(educator_id=alice.id + 1000, password_hash=alice.password_hash),
    ):
        response = client.get("/api/v1/classes", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_a_new_password_revokes_older_tokens(
    client: TestClient, alice: Educator, alice_auth: dict[str, str], engine: Engine
) -> None:
    assert client.get("/api/v1/classes", headers=alice_auth).status_code == 200
    with Session(engine) as session:
        educator = session.get(Educator, alice.id)
        assert educator is not None
        educators.set_password(session, educator=educator, password="un tout nouveau secret")
    assert client.get("/api/v1/classes", headers=alice_auth).status_code == 401


def test_passwords_are_argon2id_and_salted() -> None:
    first, second = (
        passwords.hash_password("secret-123456"),
        passwords.hash_password("secret-123456"),
    )
    assert first.startswith("$argon2id$") and first != second
    assert passwords.verify_password(first, "secret-123456")
    assert not passwords.verify_password(first, "secret-123457")
    assert not passwords.verify_password(None, "secret-123456")
    assert not passwords.verify_password("not a hash", "secret-123456")
    assert not passwords.needs_rehash(first)


def test_create_educator_command(
    settings: ApiSettings, monkeypatch, capsys, make_educator: Callable[[str], Educator]
) -> None:
    from api.settings import get_settings
    from vigie.cli import main

    monkeypatch.setenv("DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("VIGIE_VAR_DIR", str(settings.var_dir))
    get_settings.cache_clear()
    try:
        args = ["create-educator", "--email", "Bea@Lycee.example", "--password"]
        assert main([*args, "assez-long-pour-passer"]) == 0
        assert main([*args, "assez-long-pour-passer"]) == 1
        assert main([*args, "court"]) == 2
        assert main([*args, "encore-un-autre-secret", "--reset"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr()
    assert "bea@lycee.example created" in out.out and "already exists" in out.err
    engine_settings = ApiSettings(DATABASE_URL=settings.effective_database_url)
    from api.db import make_engine, session_factory

    engine = make_engine(engine_settings.effective_database_url)
    with session_factory(engine)() as session:
        assert educators.authenticate(
            session, email="bea@lycee.example", password="encore-un-autre-secret"
        )
    engine.dispose()
