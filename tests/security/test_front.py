"""The public entry as deployed (issue 13, items 2, 5, 7, 9): nginx from deploy/nginx's template
in front of `vigie api` — progress events and erasure only on the internal entry, per-address
limits on both login paths and the web chat, no access log — and Redis behind a password.
Real nginx and redis-server (Debian's, `make system-deps`)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ops.services import Nginx, Redis, free_port, render_nginx
from tests.security.conftest import LiveApi, start_api, stop_api
from vigie.settings import PROJECT_ROOT

pytestmark = pytest.mark.scaled
LEARNER = "a" * 64


@dataclass
class Front:
    public: str
    internal: str
    nginx: Nginx


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    root = tmp_path_factory.mktemp("front")
    # The API's own per-address limit set high: what is measured here is nginx's.
    api: LiveApi = start_api(root / "var", "front", VIGIE_CHAT_SESSIONS_BURST_PER_ADDRESS="5000")
    public, internal = free_port(), free_port()
    config = render_nginx(
        prefix=root / "nginx", front=public, api_internal=internal, rasa_lb=free_port(),
        actions_lb=free_port(), api=[int(api.url.rsplit(":", 1)[1])], rasa=[free_port()],
        actions=[free_port()],
    )  # fmt: skip
    nginx = Nginx(root / "nginx", config)
    try:
        nginx.start(wait_for=public)
        yield Front(f"http://127.0.0.1:{public}", f"http://127.0.0.1:{internal}", nginx)
    finally:
        nginx.stop()
        stop_api(api)


def from_nginx(response: httpx.Response) -> bool:
    """nginx's own error page (the API answers JSON or its French pages)."""
    return "<center>nginx" in response.text


def test_events_and_erasure_are_not_on_the_public_entry(front: Front) -> None:
    ingest = {"Authorization": "Bearer anything"}
    for url in ("/api/v1/events", f"/api/v1/learners/{LEARNER}/erase", "/api/v1/learners/join"):
        response = httpx.post(front.public + url, json={}, headers=ingest)
        assert response.status_code == 404 and from_nginx(response), url
        # The same paths on the internal entry reach the API (which wants the ingest token).
        assert httpx.post(front.internal + url, json={}, headers=ingest).status_code == 401
    assert httpx.get(f"{front.public}/health").status_code == 200
    tricky = f"{front.public}//api/v1/%65vents"  # merged slashes, encoded letters: same path
    assert httpx.post(tricky, json={}, headers=ingest).status_code == 404


def test_both_login_paths_are_limited_per_address(front: Front) -> None:
    with httpx.Client(base_url=front.public) as client:
        # GETting the form is free; POSTs (password checks) are limited. Empty forms: the API
        # answers 422 without checking any password, so only nginx's limit is at work.
        assert {client.get("/dashboard/connexion").status_code for _ in range(30)} == {200}
        for path in ("/api/v1/auth/token", "/dashboard/connexion"):
            statuses = [client.post(path, data={}).status_code for _ in range(30)]
            assert 429 in statuses, path
            refused = client.post(path, data={})
            assert refused.status_code == 429 and from_nginx(refused)


def test_new_chat_sessions_are_limited_per_address_generously(front: Front) -> None:
    with httpx.Client(base_url=front.public) as client:
        statuses = [client.post("/chat/session", json={}).status_code for _ in range(320)]
    assert statuses[:300] == [201] * 300  # a school's start of lesson, behind one address
    assert statuses[-1] == 429


def test_nginx_keeps_no_access_log(front: Front) -> None:
    logs = front.nginx.root / "logs"
    assert not (logs / "access.log").exists() or (logs / "access.log").stat().st_size == 0
    assert LEARNER not in (logs / "error.log").read_text(encoding="utf-8", errors="ignore")


def test_the_documented_nginx_blocks_keep_no_access_log() -> None:
    for doc in ("docs/deploy.md", "docs/telegram.md"):
        text = (PROJECT_ROOT / doc).read_text(encoding="utf-8")
        for block in re.findall(r"```nginx\n(.*?)```", text, re.DOTALL):
            for server in re.split(r"\bserver\s*\{", block)[1:]:
                assert "access_log off" in server, f"{doc}: a server block logs requests"


def test_redis_refuses_clients_without_the_password(tmp_path: Path) -> None:
    redis = Redis(tmp_path / "redis", free_port(), "Zq8xK2mW4vN7pR1tY5uB3cE6-redis-pass").start()
    try:
        with socket.create_connection(("127.0.0.1", redis.port), timeout=5) as sock:
            sock.sendall(b"PING\r\n")
            assert sock.recv(200).startswith(b"-NOAUTH")
            sock.sendall(f"AUTH {redis.password}\r\nPING\r\n".encode())
            answer = b""
            while b"PONG" not in answer:
                answer += sock.recv(200)
            assert answer.startswith(b"+OK")
        assert redis.password not in (tmp_path / "redis" / "redis.log").read_text()
    finally:
        redis.stop()
