"""Every class-scoped route: another educator's class is 404 (like a missing one), and the
educator API without a token is 401. Routes are enumerated from the app, so new ones are covered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.data.models import Educator
from tests.educator.helpers import new_class

DASHBOARD_LOGIN = "/dashboard/connexion"


def walk(router: Any) -> Iterator[Any]:
    """Every route of the app, through included routers."""
    for route in router.routes:
        if hasattr(route, "original_router"):
            yield from walk(route.original_router)
        else:
            yield route


def class_routes(client: TestClient, prefix: str) -> list[tuple[str, str]]:
    assert isinstance(client.app, FastAPI)
    routes = []
    for route in walk(client.app.router):
        if isinstance(route, APIRoute) and route.path.startswith(prefix + "/{code}"):
            routes.extend((method, route.path) for method in sorted(route.methods))
    return routes


def dashboard_login(client: TestClient, email: str, password: str) -> None:
    page = client.get(DASHBOARD_LOGIN).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "the login page has no CSRF field"
    token = found.group(1)
    response = client.post(
        DASHBOARD_LOGIN,
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_every_api_class_route_hides_other_classes_and_needs_a_token(
    client: TestClient,
    alice_auth: dict[str, str],
    make_educator: Callable[[str], Educator],
    bearer: Callable[[Educator], dict[str, str]],
) -> None:
    code = new_class(client, alice_auth)
    bob_auth = bearer(make_educator("bob@lycee.example"))
    routes = class_routes(client, "/api/v1/classes")
    assert {path for _m, path in routes} >= {
        "/api/v1/classes/{code}/summary",
        "/api/v1/classes/{code}/export.csv",
        "/api/v1/classes/{code}/report",
    }
    for method, path in routes:
        url = path.replace("{code}", code)
        assert client.request(method, url, headers=alice_auth).status_code == 200, url
        foreign = client.request(method, url, headers=bob_auth)
        missing = client.request(method, path.replace("{code}", "ZZZZ9999"), headers=bob_auth)
        assert foreign.status_code == missing.status_code == 404, url
        assert foreign.json() == missing.json()
        assert client.request(method, url).status_code == 401, url
    for method, path in [("GET", "/api/v1/classes"), ("POST", "/api/v1/classes")]:
        assert client.request(method, path, json={"name": "x"}).status_code == 401


def test_every_dashboard_class_page_hides_other_classes(
    client: TestClient,
    alice_auth: dict[str, str],
    make_educator: Callable[[str], Educator],
) -> None:
    from tests.educator.conftest import PASSWORD

    code = new_class(client, alice_auth)
    make_educator("bob@lycee.example")
    routes = class_routes(client, "/dashboard/classes")
    assert len(routes) >= 3
    for method, path in routes:  # not signed in: to the login page
        response = client.request(method, path.replace("{code}", code), follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == DASHBOARD_LOGIN
    dashboard_login(client, "bob@lycee.example", PASSWORD)
    for method, path in routes:
        response = client.request(method, path.replace("{code}", code))
        missing = client.request(method, path.replace("{code}", "ZZZZ9999"))
        assert response.status_code == missing.status_code == 404, path
        assert "Classe introuvable" in response.text
        assert code not in response.text
