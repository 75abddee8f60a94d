"""Dashboard pages through HTTP: sign-in with CSRF, cookies, class creation, the class page's
join link, QR code, figures and empty states, the report, and inert hostile class names."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.data.models import Educator
from tests.educator.conftest import PASSWORD
from tests.educator.helpers import CATALOGUE, SCENARIO, known_class

LOGIN = "/dashboard/connexion"


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF field in the form"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    token = csrf_of(client.get(LOGIN).text)
    return client.post(
        LOGIN,
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def create(client: TestClient, name: str) -> Response:
    token = csrf_of(client.get("/dashboard").text)
    return client.post(
        "/dashboard/classes", data={"name": name, "csrf_token": token}, follow_redirects=False
    )


@pytest.fixture
def signed_in(client: TestClient, alice: Educator) -> TestClient:
    assert sign_in(client, alice.email).status_code == 303
    return client


def test_pages_need_a_session(client: TestClient) -> None:
    response = client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == LOGIN
    page = client.get(LOGIN)
    assert page.status_code == 200 and 'lang="fr"' in page.text and "Connexion" in page.text


def test_sign_in_sets_a_hardened_session_cookie(client: TestClient, alice: Educator) -> None:
    response = sign_in(client, alice.email)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    cookie = next(
        value
        for key, value in response.headers.multi_items()
        if key == "set-cookie" and value.startswith("vigie_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=28800" in cookie
    page = client.get("/dashboard")
    assert page.status_code == 200 and alice.email in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and page.headers["cache-control"] == "no-store"


def test_sign_in_refuses_a_form_without_its_csrf_token(client: TestClient, alice: Educator) -> None:
    client.get(LOGIN)
    response = client.post(
        LOGIN, data={"email": alice.email, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403 and "expiré" in response.text
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_wrong_password_and_throttling_are_shown_in_french(
    client: TestClient, alice: Educator
) -> None:
    wrong = sign_in(client, alice.email, "pas le bon")
    assert wrong.status_code == 401 and "mot de passe incorrect" in wrong.text
    assert alice.email in wrong.text  # the e-mail is kept in the form
    for _ in range(4):
        sign_in(client, alice.email, "pas le bon")
    throttled = sign_in(client, alice.email)
    assert throttled.status_code == 429 and "Trop de tentatives" in throttled.text


def test_sign_out_needs_the_csrf_token(signed_in: TestClient) -> None:
    assert signed_in.post("/dashboard/deconnexion", data={"csrf_token": "x"}).status_code == 403
    token = csrf_of(signed_in.get("/dashboard").text)
    response = signed_in.post(
        "/dashboard/deconnexion", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == LOGIN
    assert signed_in.get("/dashboard", follow_redirects=False).status_code == 303


def test_create_a_class_and_see_how_to_join_it(signed_in: TestClient) -> None:
    assert "pas encore de classe" in signed_in.get("/dashboard").text
    response = create(signed_in, "5e C – EMI")
    assert response.status_code == 303
    code = response.headers["location"].rsplit("/", 1)[-1]
    assert re.fullmatch(r"[A-Z0-9]{8}", code)
    page = signed_in.get(f"/dashboard/classes/{code}").text
    assert "5e C – EMI" in page and code in page
    assert f"https://t.me/VigieInfoBot?start={code}" in page
    assert f"/?classe={code}" in page
    assert f'src="/join/{code}/qr.svg"' in page and 'alt="Code QR' in page
    assert "Aucun élève n'a encore rejoint cette classe" in page
    assert f"/dashboard/classes/{code}/export.csv" in page
    assert code in signed_in.get("/dashboard").text


def test_class_creation_refuses_csrf_forgeries_and_empty_names(signed_in: TestClient) -> None:
    forged = signed_in.post("/dashboard/classes", data={"name": "x", "csrf_token": "nope"})
    assert forged.status_code == 403
    empty = create(signed_in, "   ")
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    with_nul = create(signed_in, "4e\x00B")  # PostgreSQL text cannot hold NUL
    assert with_nul.status_code == 422 and 'value="4eB"' in with_nul.text
    assert "pas encore de classe" in signed_in.get("/dashboard").text


def test_hostile_class_names_are_inert(signed_in: TestClient) -> None:
    name = '<script>alert(1)</script><img src=x onerror=alert(2)>"'
    code = create(signed_in, name).headers["location"].rsplit("/", 1)[-1]
    for url in ("/dashboard", f"/dashboard/classes/{code}", f"/dashboard/classes/{code}/rapport"):
        page = signed_in.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_class_page_shows_the_figures(
    signed_in: TestClient,
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> None:
    code = create(signed_in, "4e A").headers["location"].rsplit("/", 1)[-1]
    few = join(code, 3)
    ingest(known_class(few))
    page = signed_in.get(f"/dashboard/classes/{code}").text
    assert "Pas encore assez d'élèves actifs" in page and "au moins 5 élèves" in page
    code = create(signed_in, "4e B").headers["location"].rsplit("/", 1)[-1]
    ingest(known_class(join(code, 6)))
    page = signed_in.get(f"/dashboard/classes/{code}").text
    assert CATALOGUE.scenarios[SCENARIO].title.fr in page
    assert "Maîtrise des réflexes" in page and "Vérifier la date et le contexte" in page
    assert "80\u202f%" in page  # mean score of the known class
    assert "+50\u202fpts" in page  # fake-detection gain
    assert "(±\u202f30\u202fpts)" in page and "reste dans la marge du hasard" in page
    assert "5 à 9" in page and "arrondis à 5 points près" in page  # bands of k, rounding
    assert "Activité dans le temps" in page
    report = signed_in.get(f"/dashboard/classes/{code}/rapport")
    assert report.status_code == 200 and "Imprimer ce rapport" in report.text
    assert signed_in.get("/static/dashboard/dashboard.css").status_code == 200
    # printed without its button: tests/educator/test_browser.py
    csv = signed_in.get(f"/dashboard/classes/{code}/export.csv")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")


def test_the_api_report_is_the_same_printable_page(
    client: TestClient, alice_auth: dict[str, str]
) -> None:
    code = client.post("/api/v1/classes", json={"name": "CM2"}, headers=alice_auth).json()["code"]
    report = client.get(f"/api/v1/classes/{code}/report", headers=alice_auth)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "CM2" in report.text and "Aucun élève" in report.text
