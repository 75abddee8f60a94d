"""Property-based run of schemathesis against the OpenAPI schema, in-process on the ASGI app,
on both databases: no route answers a 5xx, whatever it is sent.

`POST /chat` is left out: with no Rasa server its answer is the contract's friendly 503
(tests/unit/test_api_chat.py); the issue-8 fuzz run covers it with Rasa up.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.core.settings import ApiSettings
from api.main import create_app
from tests.educator.helpers import known_class, new_class
from tests.support.examples import examples

pytestmark = pytest.mark.slow  # its worth is in the number of cases: ~5 s even at 10 per route


def _schema() -> Any:
    """The OpenAPI document does not depend on the database: read it from a bare app once."""
    bare = create_app(ApiSettings(var_dir=Path(tempfile.mkdtemp()), DATABASE_URL="sqlite://"))
    return schemathesis.openapi.from_dict(bare.openapi()).exclude(path="/chat", method="POST")


schema = _schema()


@pytest.fixture
def context(
    client: TestClient,
    settings: ApiSettings,
    alice_auth: dict[str, str],
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> dict[str, Any]:
    """A class with data, the educator's and the ingest credentials."""
    code = new_class(client, alice_auth)
    ingest(known_class(join(code, 6)))
    return {
        "app": client.app,
        "code": code,
        "educator": alice_auth,
        "ingest": {"Authorization": f"Bearer {settings.secret('ingest_token')}"},
        "turn": count(),
    }


@schema.parametrize()
@settings(max_examples=examples(30), deadline=None, suppress_health_check=list(HealthCheck))
def test_no_route_answers_a_server_error(case: Any, context: dict[str, Any]) -> None:
    turn = next(context["turn"])
    if case.path_parameters and "code" in case.path_parameters and turn % 2:
        case.path_parameters["code"] = context["code"]  # half the cases hit a real class
    headers = context["ingest"] if case.path.startswith("/api/v1/events") else context["educator"]
    if turn % 5 == 4:
        headers = {}  # and some carry no credentials at all
    response = case.call(app=context["app"], headers=headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
