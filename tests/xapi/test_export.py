"""`GET /api/v1/classes/{code}/export.xapi.json`: the class CSV's figures as statements made by
the class (a group), under the CSV's k-anonymity, suppression and rounding rules: never a
statement about one learner; valid for Ralph's models and taken by a real Ralph LRS."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from devtools.processes import free_port
from tests.educator.helpers import known_class
from tests.xapi.conftest import BASE, HEADERS, PASSWORD, USER, Api, RalphLRS, learner, ralph_errors

pytestmark = pytest.mark.slow
SCORED = "http://adlnet.gov/expapi/verbs/scored"


def export(api: Api, headers: dict[str, str], code: str) -> list[dict[str, Any]]:
    response = api.client.get(f"/api/v1/classes/{code}/export.xapi.json", headers=headers)
    assert response.status_code == 200, response.text
    assert f'filename="vigie-{code}.xapi.json"' in response.headers["content-disposition"]
    statements: list[dict[str, Any]] = response.json()
    return statements


def csv_rows(api: Api, headers: dict[str, str], code: str) -> list[list[str]]:
    response = api.client.get(f"/api/v1/classes/{code}/export.csv", headers=headers)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))[1:]


def a_class(api: Api, headers: dict[str, str], size: int) -> tuple[str, list[str]]:
    code = api.new_class(headers)
    learners = [learner() for _ in range(size)]
    for each in learners:
        api.join(each, code)
    api.ingest(known_class(learners))
    return code, learners


def test_the_shown_figures_of_the_csv_as_the_class_statements(
    ralph: RalphLRS, make_api: Callable[..., Api]
) -> None:
    api = make_api(ralph.url)
    alice = api.educator("alice@college.example")
    code, learners = a_class(api, alice, 6)
    statements = export(api, alice, code)
    shown = [row for row in csv_rows(api, alice, code) if row[3]]
    assert len(statements) == len(shown) > 10
    for statement, (table, line, measure, value, unit, _learners) in zip(
        statements, shown, strict=True
    ):
        assert statement["actor"] == {
            "objectType": "Group",
            "account": {"homePage": BASE, "name": code},
        }
        assert statement["verb"]["id"] == SCORED
        name = statement["object"]["definition"]["name"]["fr-FR"]
        assert all(part in name for part in (table, line, measure))
        number = float(value.replace(",", "."))
        score = statement["result"]["score"]
        assert score == (
            {"scaled": round(number / 100, 4)} if unit in {"%", "points"} else {"raw": number}
        )
    text = json.dumps(statements, ensure_ascii=False)
    assert not any(each in text for each in learners), "a pseudonym in the export"
    assert "@" not in text
    assert ralph_errors(statements) == ""
    # a real LRS takes them
    with httpx.Client(auth=(USER, PASSWORD), headers=HEADERS, timeout=10) as client:
        assert client.post(f"{ralph.url}/xAPI/statements", json=statements).status_code == 200
    ids = {statement["id"] for statement in statements}
    assert {s["id"] for s in ralph.statements()} >= ids


def test_fewer_than_k_learners_gives_the_class_counts_only(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(f"http://127.0.0.1:{free_port()}")  # no LRS: nothing sent
    alice = api.educator("alice@college.example")
    code, learners = a_class(api, alice, 4)
    statements = export(api, alice, code)
    assert [s["object"]["definition"]["name"]["fr-FR"] for s in statements] == [
        f"Classe {code} — classe — élèves inscrits"
    ]
    assert statements[0]["result"]["score"] == {"raw": 4.0}
    assert not re.search("|".join(learners), json.dumps(statements))


def test_only_the_owner_exports(make_api: Callable[..., Api]) -> None:
    api = make_api(f"http://127.0.0.1:{free_port()}")  # no LRS: nothing sent
    alice, bob = api.educator("alice@college.example"), api.educator("bob@lycee.example")
    code = api.new_class(alice)
    url = f"/api/v1/classes/{code}/export.xapi.json"
    assert api.client.get(url, headers=bob).status_code == 404
    assert api.client.get(url).status_code == 401
