"""The relay's admission limit (vigie/rasa_rest.py): at most `max_in_flight` messages inside Rasa
at once, the others waiting first come, first served; its setting is validated."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from pydantic import ValidationError

from api.core.settings import ApiSettings
from vigie.rasa_rest import DEFAULT_MAX_IN_FLIGHT, RasaRestClient


class SlowRasa:
    """An in-process Rasa webhook that holds each message until released, counting how many
    it holds at once and in which order they came in."""

    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0
        self.arrived: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        self.arrived.append(json.loads(request.content)["message"])
        await self.release.wait()
        self.inside -= 1
        return httpx.Response(200, json=[{"text": "ok"}])


async def send_all(max_in_flight: int, count: int) -> SlowRasa:
    rasa = SlowRasa()
    async with httpx.AsyncClient(transport=httpx.MockTransport(rasa)) as client:
        relay = RasaRestClient(client, "http://rasa.test", 0, max_in_flight=max_in_flight)
        sends = []
        for number in range(count):
            sends.append(asyncio.create_task(relay.send(f"s{number}", f"m{number}", {})))
            await asyncio.sleep(0)  # each message arrives after the previous one
        while rasa.inside < min(max_in_flight, count):
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.01)  # time for any message over the limit to get in
        assert rasa.inside == min(max_in_flight, count)
        rasa.release.set()
        replies = await asyncio.gather(*sends)
    assert all(reply == [{"text": "ok"}] for reply in replies)
    return rasa


@pytest.mark.parametrize("limit", [1, 3, DEFAULT_MAX_IN_FLIGHT])
def test_no_more_than_the_limit_inside_rasa_and_first_come_first_served(limit: int) -> None:
    rasa = asyncio.run(send_all(limit, 20))
    assert rasa.most_inside == limit
    assert rasa.arrived == [f"m{number}" for number in range(20)]


def test_the_api_setting_is_read_from_the_environment_and_validated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert ApiSettings().rasa_max_in_flight == DEFAULT_MAX_IN_FLIGHT == 8
    monkeypatch.setenv("VIGIE_RASA_MAX_IN_FLIGHT", "3")
    assert ApiSettings().rasa_max_in_flight == 3
    for wrong in ("0", "-1", "1000", "beaucoup"):
        monkeypatch.setenv("VIGIE_RASA_MAX_IN_FLIGHT", wrong)
        with pytest.raises(ValidationError):
            ApiSettings()
