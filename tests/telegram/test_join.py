"""`POST /api/v1/learners/join` and `/start CODE`, and `/oubli` erasing through the real API.

The API runs for real (Alembic-migrated SQLite) — in-process for the endpoint's contract, and
over HTTP on a free port when the bridge calls it. Rasa is the stand-in here; the integration
tests repeat the deep link against the real stack.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from api.core.db import make_engine
from api.core.settings import ApiSettings
from api.data.migrate import upgrade
from api.data.models import Classroom, Learner
from api.data.retention import RASA_EVENTS
from api.main import create_app
from bot.messages import load_messages
from devtools.processes import free_port
from devtools.servers import ThreadedServer
from tests.telegram import fake_bot_api as tg
from tests.telegram.conftest import BridgeFactory
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.stub_rasa import StubRasa
from vigie.pseudonym import learner_id

MESSAGES = load_messages()
JOIN = "/api/v1/learners/join"
CODE = "CLASSE4B"


@pytest.fixture
def api_settings(tmp_path: Path) -> ApiSettings:
    settings = ApiSettings(
        var_dir=tmp_path,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'vigie.db'}",
    )
    upgrade(settings.effective_database_url)
    return settings


def add_class(app: Any, code: str) -> None:  # the FastAPI app (TestClient.app is typed ASGI)
    with app.state.session_factory() as session:
        session.add(Classroom(code=code, name="4e B"))
        session.commit()


def class_of(app: Any, learner: str) -> str | None:
    with app.state.session_factory() as session:
        row = session.get(Learner, learner)
        return None if row is None else row.class_code


@pytest.fixture
def client(api_settings: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as test_client:
        add_class(test_client.app, CODE)
        add_class(test_client.app, "AUTRE2")
        yield test_client


def bearer(settings: ApiSettings) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.secret('ingest_token')}"}


LEARNER = "a" * 64


def test_join_puts_the_learner_in_the_class(client: TestClient, api_settings: ApiSettings) -> None:
    response = client.post(
        JOIN, json={"learner": LEARNER, "class_code": CODE}, headers=bearer(api_settings)
    )
    assert response.status_code == 200
    assert response.json() == {"learner": LEARNER, "class_code": CODE}
    assert class_of(client.app, LEARNER) == CODE
    # joining another class moves the learner; joining twice is harmless
    for code in ("AUTRE2", "AUTRE2"):
        response = client.post(
            JOIN, json={"learner": LEARNER, "class_code": code}, headers=bearer(api_settings)
        )
        assert response.status_code == 200
    assert class_of(client.app, LEARNER) == "AUTRE2"
    with client.app.state.session_factory() as session:
        assert len(session.scalars(select(Learner)).all()) == 1


def test_unknown_class_is_404_and_creates_nobody(
    client: TestClient, api_settings: ApiSettings
) -> None:
    response = client.post(
        JOIN, json={"learner": LEARNER, "class_code": "ZZZZ99"}, headers=bearer(api_settings)
    )
    assert response.status_code == 404
    assert class_of(client.app, LEARNER) is None


@pytest.mark.parametrize(
    "body",
    [
        {"learner": LEARNER, "class_code": "abc"},
        {"learner": LEARNER, "class_code": "classe4b"},
        {"learner": LEARNER, "class_code": "A" * 17},
        {"learner": LEARNER, "class_code": "CLASSE 4B"},
        {"learner": "123456789", "class_code": CODE},  # a platform id is not a pseudonym
        {"learner": LEARNER.upper(), "class_code": CODE},
        {"learner": LEARNER},
        {"learner": LEARNER, "class_code": CODE, "name": "Léa"},
    ],
)
def test_bad_bodies_are_422(client: TestClient, api_settings: ApiSettings, body: dict) -> None:
    response = client.post(JOIN, json=body, headers=bearer(api_settings))
    assert response.status_code == 422
    assert class_of(client.app, body.get("learner", "")) is None


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer faux"}])
def test_join_needs_the_ingest_token(client: TestClient, headers: dict) -> None:
    response = client.post(JOIN, json={"learner": LEARNER, "class_code": CODE}, headers=headers)
    assert response.status_code == 401
    assert class_of(client.app, LEARNER) is None


# ----- the bridge against the real API over HTTP ------------------------------------------------
@pytest.fixture
def live_api(api_settings: ApiSettings) -> Iterator[tuple[str, FastAPI]]:
    app = create_app(api_settings)
    add_class(app, CODE)
    port = free_port()
    server = ThreadedServer(app, port, "the API")
    server.start()
    yield f"http://127.0.0.1:{port}", app
    server.stop()


def test_start_with_a_class_code_joins_the_class_then_greets(
    start_bridge: BridgeFactory,
    bot_api: FakeBotApi,
    rasa: StubRasa,
    live_api: tuple[str, FastAPI],
    api_settings: ApiSettings,
) -> None:
    url, app = live_api
    bridge = start_bridge(api_url=url, var_dir=api_settings.var_dir)
    user_id = 31337
    bot_api.inject(tg.text(user_id, f"/start {CODE}"))
    note, greeting = bot_api.wait_sent(user_id, 2)
    assert note.text == MESSAGES("class_joined")
    assert greeting.text == "salut"
    learner = learner_id("telegram", str(user_id), bridge.settings.secret("pepper"))
    assert class_of(app, learner) == CODE
    assert rasa.received[0]["sender"] == learner


def test_start_with_an_unknown_class_code_says_so_then_greets(
    start_bridge: BridgeFactory,
    bot_api: FakeBotApi,
    rasa: StubRasa,
    live_api: tuple[str, FastAPI],
    api_settings: ApiSettings,
) -> None:
    url, app = live_api
    bridge = start_bridge(api_url=url, var_dir=api_settings.var_dir)
    bot_api.inject(tg.text(5, "/start INCONNU9"))
    note, greeting = bot_api.wait_sent(5, 2)
    assert note.text == MESSAGES("class_unknown")
    assert greeting.text == "salut"
    assert class_of(app, learner_id("telegram", "5", bridge.settings.secret("pepper"))) is None


def test_a_confirmed_oubli_erases_the_learner_through_the_api(
    start_bridge: BridgeFactory,
    bot_api: FakeBotApi,
    rasa: StubRasa,
    live_api: tuple[str, FastAPI],
    api_settings: ApiSettings,
) -> None:
    def conversation(_sender: str, message: str) -> tuple[int, list, float]:
        if message == "oui, efface tout":
            return 200, [{"text": "🧹 C'est fait"}, {"custom": {"type": "forget"}}], 0.0
        return 200, [{"text": message}], 0.0

    rasa.script = conversation
    url, app = live_api
    bridge = start_bridge(api_url=url, var_dir=api_settings.var_dir)
    user_id = 4040
    learner = learner_id("telegram", str(user_id), bridge.settings.secret("pepper"))
    # the stand-in Rasa keeps no tracker store: create its table as a real Rasa leaves it, with
    # one event of this conversation (without the table, the API refuses to say « erased »)
    tracker = make_engine(api_settings.effective_tracker_url)
    RASA_EVENTS.create(tracker)
    with tracker.begin() as connection:
        connection.execute(insert(RASA_EVENTS).values(sender_id=learner, timestamp=time.time()))
    bot_api.inject(tg.text(user_id, f"/start {CODE}"))
    bot_api.wait_sent(user_id, 2)
    assert class_of(app, learner) == CODE
    bot_api.inject(tg.text(user_id, "oui, efface tout"))
    assert bot_api.wait_sent(user_id, 3)[2].text == "🧹 C'est fait"
    bot_api.wait_quiet()
    assert bot_api.texts(user_id)[2:] == ["🧹 C'est fait"]  # the marker is not shown
    with app.state.session_factory() as session:
        assert session.get(Learner, learner) is None
    with tracker.connect() as connection:
        count = select(func.count()).select_from(RASA_EVENTS)
        assert connection.execute(count.where(RASA_EVENTS.c.sender_id == learner)).scalar() == 0
    tracker.dispose()
