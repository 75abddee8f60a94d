"""Educator authentication: argon2 passwords, OAuth2 password → bearer, growing delays instead
of a lock-out (issue 13, item 8), the proxy's forwarded address when trusted, revocation on
sign-out and on a new password, creating and deleting accounts."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.core.security import passwords
from api.core.security.passwords import PasswordGate
from api.core.security.rate_limit import Backoff, LoginThrottle
from api.core.security.tokens import BEARER_SALT, CredentialSigner
from api.core.settings import ApiSettings
from api.data import educators
from api.data.models import Educator
from api.main import create_app
from api.web.dashboard_session import LOGIN_PATH as DASHBOARD_LOGIN
from api.web.dashboard_session import SESSION_COOKIE
from api.web.login import Guards
from tests.educator.conftest import PASSWORD
from tests.support.clock import ManualClock

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


def csrf_on(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def dashboard_sign_in(client: TestClient, email: str, password: str) -> Response:
    form = {"email": email, "password": password, "csrf_token": csrf_on(client, DASHBOARD_LOGIN)}
    return client.post(DASHBOARD_LOGIN, data=form, follow_redirects=False)


def guarded(client: TestClient, settings: ApiSettings) -> ManualClock:
    """Give the app a login throttle on a clock the test moves (no sleeping)."""
    clock = ManualClock()
    assert isinstance(client.app, FastAPI)
    client.app.state.login_guards = Guards(
        throttle=LoginThrottle(forget_after=settings.login_forget_after_seconds, clock=clock),
        gate=PasswordGate(settings.password_checks_at_once),
    )
    return clock


def from_address(client: TestClient, address: str, **headers: str) -> TestClient:
    """Another client of the same running app, connecting from `address`."""
    return TestClient(client.app, client=(address, 40000), headers=headers)


def test_wrong_passwords_from_elsewhere_never_lock_the_educator_out(
    client: TestClient, alice: Educator
) -> None:
    attacker = from_address(client, "203.0.113.66")
    statuses = [login(attacker, alice.email, f"devinette-{i}").status_code for i in range(30)]
    assert statuses[:3] == [401] * 3 and set(statuses[3:]) == {429}
    # Alice, from her own address, signs in at once: no lock-out as a weapon.
    assert login(from_address(client, "198.51.100.7"), alice.email, PASSWORD).status_code == 200


@pytest.mark.slow
def test_failures_bring_growing_delays_not_a_lock(
    client: TestClient, alice: Educator, settings: ApiSettings
) -> None:
    clock = guarded(client, settings)
    for _ in range(settings.login_free_failures):
        assert login(client, alice.email, "mauvais").status_code == 401
    delays = []
    for _ in range(5):
        throttled = login(client, alice.email, PASSWORD)  # not even checked while waiting
        assert throttled.status_code == 429
        delays.append(int(throttled.headers["retry-after"]))
        clock.advance(delays[-1])
        assert login(client, alice.email, "mauvais").status_code == 401
    assert delays == [5, 10, 20, 40, 80]
    clock.advance(settings.login_max_delay_seconds)
    assert login(client, alice.email, PASSWORD).status_code == 200  # never a hard lock
    assert login(client, alice.email, "mauvais").status_code == 401  # and the slate is clean


@pytest.mark.slow
def test_a_client_trying_many_accounts_waits_at_most_a_minute(
    client: TestClient, settings: ApiSettings
) -> None:
    clock = guarded(client, settings)
    free = settings.login_client_free_failures
    for i in range(free):
        assert login(client, f"user{i}@example.org", "mauvais").status_code == 401
    waits = []
    for i in range(6):
        throttled = login(client, f"autre{i}@example.org", "mauvais")
        assert throttled.status_code == 429
        waits.append(int(throttled.headers["retry-after"]))
        clock.advance(waits[-1])
        assert login(client, f"autre{i}@example.org", "mauvais").status_code == 401
    assert waits == [5, 10, 20, 40, 60, 60]  # capped: a school's address is never shut for long


def test_the_dashboard_form_has_the_same_delays(
    client: TestClient, alice: Educator, settings: ApiSettings
) -> None:
    guarded(client, settings)
    statuses = [dashboard_sign_in(client, alice.email, "mauvais").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    throttled = dashboard_sign_in(client, alice.email, PASSWORD)
    assert throttled.status_code == 429 and throttled.headers["retry-after"] == "5"


@pytest.mark.slow
def test_behind_a_trusted_proxy_each_client_has_its_own_delays(
    settings: ApiSettings, alice: Educator
) -> None:
    proxied = settings.model_copy(update={"trusted_proxies": "10.0.0.0/24"})
    with TestClient(create_app(proxied)) as client:
        attacker = from_address(client, "10.0.0.10", **{"X-Forwarded-For": "203.0.113.66"})
        for i in range(proxied.login_client_free_failures + 5):
            login(attacker, f"user{i}@example.org", "mauvais")
        assert login(attacker, alice.email, PASSWORD).status_code == 429
        school = from_address(client, "10.0.0.10", **{"X-Forwarded-For": "198.51.100.7"})
        assert login(school, alice.email, PASSWORD).status_code == 200
        # Without a trusted proxy, the header is anyone's to write, so it is not believed.
        liar = from_address(client, "203.0.113.66", **{"X-Forwarded-For": "198.51.100.8"})
        assert login(liar, alice.email, PASSWORD).status_code == 429


def test_the_throttle_forgets_failures_after_a_quiet_day() -> None:
    clock = ManualClock()
    throttle = LoginThrottle(forget_after=86400, clock=clock)
    backoff = Backoff(free=2, cap=900)
    throttle.failed(["pair:a"])
    throttle.failed(["pair:a"])
    assert throttle.retry_after({"pair:a": backoff}) == 5
    clock.advance(3)
    assert throttle.retry_after({"pair:a": backoff}) == 2
    clock.advance(86400)
    assert throttle.retry_after({"pair:a": backoff}) == 0
    throttle.failed(["pair:a"])  # counted from zero again
    assert throttle.retry_after({"pair:a": backoff}) == 0
    throttle.failed(["pair:a"])
    throttle.succeeded("pair:a")
    assert throttle.retry_after({"pair:a": backoff}) == 0


def test_signing_out_revokes_the_dashboard_cookie(client: TestClient, alice: Educator) -> None:
    assert dashboard_sign_in(client, alice.email, PASSWORD).status_code == 303
    kept = client.cookies[SESSION_COOKIE]  # a copy someone kept (shared computer, stolen…)
    out = client.post(
        "/dashboard/deconnexion",
        data={"csrf_token": csrf_on(client, "/dashboard")},
        follow_redirects=False,
    )
    assert out.status_code == 303
    replay = TestClient(client.app, cookies={SESSION_COOKIE: kept})
    response = replay.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == DASHBOARD_LOGIN
    # Signing in again gives a new cookie that works.
    assert dashboard_sign_in(client, alice.email, PASSWORD).status_code == 303
    assert client.get("/dashboard", follow_redirects=False).status_code == 200


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
    from api.core.settings import get_settings
    from ops.cli import main

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
    from api.core.db import make_engine, session_factory

    engine = make_engine(engine_settings.effective_database_url)
    with session_factory(engine)() as session:
        assert educators.authenticate(
            session, email="bea@lycee.example", password="encore-un-autre-secret"
        )
    engine.dispose()


def test_delete_educator_command_removes_the_account_and_its_classes(
    settings: ApiSettings, client: TestClient, alice: Educator, alice_auth: dict[str, str],
    engine: Engine, monkeypatch, capsys,
) -> None:  # fmt: skip
    from api.core.settings import get_settings
    from api.data.models import Classroom, Learner
    from ops.cli import main

    code = client.post("/api/v1/classes", json={"name": "4e A"}, headers=alice_auth).json()["code"]
    assert client.post("/chat/session", json={"class_code": code}).status_code == 201
    monkeypatch.setenv("DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("VIGIE_VAR_DIR", str(settings.var_dir))
    get_settings.cache_clear()
    try:
        assert main(["delete-educator", "--email", "personne@nulle.part", "--yes"]) == 1
        assert main(["delete-educator", "--email", "ALICE@college.example", "--yes"]) == 0
    finally:
        get_settings.cache_clear()
    assert "alice@college.example deleted, with 1 class" in capsys.readouterr().out
    with Session(engine) as session:
        assert session.get(Educator, alice.id) is None
        assert session.get(Classroom, code) is None
        (learner,) = session.query(Learner).all()  # pseudonymous, kept until its retention
        assert learner.class_code is None
    assert client.get("/api/v1/classes", headers=alice_auth).status_code == 401
