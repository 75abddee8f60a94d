"""The channels deliver a credential (vigie.protocol.CREDENTIAL): Telegram fetches it from the
real API once and sends the file (the fake Bot API records the upload); where files are not
sent (Messenger, Instagram) the plan is the link; a bad URL plans nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.core.settings import ApiSettings
from api.main import create_app
from bot.messages import load_messages
from bot.render import DocumentOut, TextOut, plan
from devtools.servers import ThreadedServer
from tests.badges.conftest import LEARNER
from tests.conftest import free_port
from tests.support.database import migrated_sqlite
from tests.telegram import fake_bot_api as tg
from tests.telegram.conftest import BridgeFactory, bot_api, rasa, start_bridge
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.stub_rasa import StubRasa

__all__ = ["bot_api", "rasa", "start_bridge"]  # the Telegram suite's fixtures, used here
MESSAGES = load_messages()
CHAT = 4343


def credential_message(url: str) -> dict[str, object]:
    return {"custom": {"type": "credential", "url": url, "filename": "badge-vigie-SOURCE.jwt"}}


def test_the_plan_is_a_file_on_telegram_and_a_link_elsewhere() -> None:
    url = "https://vigie.example/badges/download/abc"
    (document,) = plan([credential_message(url)], MESSAGES, documents=True)
    assert document == DocumentOut(
        url=url, filename="badge-vigie-SOURCE.jwt", fallback=MESSAGES("credential_unavailable")
    )
    assert plan([credential_message(url)], MESSAGES) == [TextOut(text=url)]
    assert plan([credential_message("javascript:alert(1)")], MESSAGES, documents=True) == []


@pytest.fixture
def served_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiSettings]:
    var_dir = tmp_path_factory.mktemp("api")
    port = free_port()
    settings = ApiSettings(
        var_dir=var_dir,
        public_url=f"http://127.0.0.1:{port}",
        DATABASE_URL=migrated_sqlite(var_dir / "vigie.db"),
    )
    server = ThreadedServer(create_app(settings), port, "the API")
    server.start()
    yield settings
    server.stop()


def test_telegram_sends_the_file_fetched_once_from_the_api(
    served_api: ApiSettings,
    start_bridge: BridgeFactory,
    bot_api: FakeBotApi,
    rasa: StubRasa,
    awarded_on: Callable[[ApiSettings], str],
) -> None:
    url = awarded_on(served_api)
    rasa.script = lambda _s, _m: (200, [{"text": "Voici ton badge"}, credential_message(url)], 0.0)
    start_bridge()
    bot_api.inject(tg.text(CHAT, "mon badge"))
    bot_api.wait_for(lambda: bot_api.calls_to("sendDocument"), what="the document")
    (call,) = bot_api.calls_to("sendDocument")
    (uploaded,) = call.files.values()
    with TestClient(create_app(served_api)) as client:
        verdict = client.post("/badges/verify", json={"credential": uploaded.decode()}).json()
    assert verdict["valid"], verdict
    # the same link again (a second press, a forwarded message): used, so the learner is told
    bot_api.inject(tg.text(CHAT, "encore"))
    bot_api.wait_for(
        lambda: MESSAGES("credential_unavailable") in bot_api.texts(CHAT), what="the notice"
    )


@pytest.fixture
def awarded_on() -> Callable[[ApiSettings], str]:
    """A credential issued by the served API for a learner with a stored badge; its link."""

    def issue(settings: ApiSettings) -> str:
        with TestClient(create_app(settings)) as client:
            internal = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
            event = {
                "id": str(uuid.uuid4()),
                "type": "badge_awarded",
                "learner": LEARNER,
                "scenario": "site_imposteur_college",
                "criteria_found": ["SOURCE"],
                "occurred_at": datetime.now(UTC).isoformat(),
            }
            assert client.post("/api/v1/events", json=event, headers=internal).status_code == 200
            response = client.post(
                f"/api/v1/learners/{LEARNER}/badges/SOURCE/credential", json={}, headers=internal
            )
            assert response.status_code == 201, response.text
            return str(response.json()["url"])

    return issue
