"""Class endpoints (docs/architecture.md §5): create with join links and QR, list the caller's
classes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.core.settings import ApiSettings
from api.data.models import Educator
from tests.educator.helpers import new_class


def test_create_gives_code_links_and_qr(
    client: TestClient, alice_auth: dict[str, str], settings: ApiSettings
) -> None:
    response = client.post("/api/v1/classes", json={"name": "  4e B – EMI  "}, headers=alice_auth)
    assert response.status_code == 201
    body = response.json()
    code = body["code"]
    assert re.fullmatch(r"[A-Z0-9]{4,16}", code)
    assert body["name"] == "4e B – EMI"
    assert body["join"] == {
        "telegram": f"https://t.me/{settings.telegram_bot_username}?start={code}",
        "web": f"{settings.base_url}/?classe={code}",
    }
    assert body["qr"] == f"{settings.base_url}/join/{code}/qr.svg"
    assert body["learners"] == 0

    qr = client.get(f"/join/{code}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    svg = ET.fromstring(qr.content)
    assert svg.tag.endswith("svg") and svg.find("{http://www.w3.org/2000/svg}title") is not None
    telegram = client.get(f"/join/{code}/qr.svg", params={"target": "telegram"})
    assert telegram.status_code == 200 and telegram.content != qr.content


def test_codes_are_random_and_distinct(client: TestClient, alice_auth: dict[str, str]) -> None:
    codes = {new_class(client, alice_auth, f"classe {i}") for i in range(25)}
    assert len(codes) == 25
    assert len({code[:3] for code in codes}) > 5  # not sequential


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 121},
        {"name": 12},
        {"name": "a", "x": 1},
        {"name": "4e B\x00"},  # PostgreSQL text cannot hold NUL: was a 500 there
        {"name": "4e\x1bB"},
    ],
)
def test_bad_class_bodies_are_422(
    client: TestClient, alice_auth: dict[str, str], body: dict
) -> None:
    assert client.post("/api/v1/classes", json=body, headers=alice_auth).status_code == 422


def test_list_shows_only_the_callers_classes_with_learners_joined(
    client: TestClient,
    alice_auth: dict[str, str],
    make_educator: Callable[[str], Educator],
    bearer: Callable[[Educator], dict[str, str]],
    join: Callable[[str, int], list[str]],
) -> None:
    bob_auth = bearer(make_educator("bob@lycee.example"))
    first = new_class(client, alice_auth, "6e A")
    second = new_class(client, alice_auth, "6e B")
    theirs = new_class(client, bob_auth, "Seconde 3")
    join(first, 3)
    listing = client.get("/api/v1/classes", headers=alice_auth).json()
    assert {item["code"]: item["learners"] for item in listing} == {first: 3, second: 0}
    assert [item["code"] for item in client.get("/api/v1/classes", headers=bob_auth).json()] == [
        theirs
    ]


def test_bad_qr_codes_are_rejected(client: TestClient) -> None:
    assert client.get("/join/abc/qr.svg").status_code == 422
    assert client.get("/join/ABCD1234/qr.svg", params={"target": "x"}).status_code == 422
