"""The class summary (docs/architecture.md §5) on a small class whose every figure is known by
hand, the k-anonymity rule, and invariants on a realistic synthetic class of 30."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.core.settings import ApiSettings
from api.main import create_app
from devtools.synthetic import class_history
from scenarios.schema import Criterion
from tests.educator.helpers import (
    CATALOGUE,
    NOW,
    OTHER_SCENARIO,
    SCENARIO,
    known_class,
    new_class,
)
from tests.educator.helpers import summary as get_summary


@pytest.fixture
def code(client: TestClient, alice_auth: dict[str, str]) -> str:
    return new_class(client, alice_auth)


def test_every_figure_of_a_known_class(
    client: TestClient,
    alice_auth: dict[str, str],
    code: str,
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> None:
    learners = join(code, 7)
    events = known_class(learners[:6])
    ingest(events)
    ingest(events[:40])  # re-sent events change nothing
    body = get_summary(client, alice_auth, code)

    assert body["code"] == code and body["k_anonymity"] == 5
    # joined is exact; head counts are bands of k: the figures are about learners 5, 0, 1, 2, 3
    assert (body["learners"], body["active_learners"], body["suppressed"]) == (7, 5, False)
    assert (body["scenarios_started"], body["scenarios_completed"]) == (5, 5)  # shown rows only

    main, other = body["scenarios"]
    assert main == {
        "scenario": SCENARIO,
        "title": CATALOGUE.scenarios[SCENARIO].title.fr,
        "learners_started": 5,
        "learners_completed": 5,
        "mean_score": 0.8,  # (8 + 8 + 6 + 6 + 4) / 8 / 5, learner 3's replay counted
        "suppressed": False,
    }
    assert other["scenario"] == OTHER_SCENARIO and other["suppressed"] is True
    assert other["learners_started"] is None and other["mean_score"] is None

    criteria = {item["criterion"]: item for item in body["criteria"]}
    assert list(criteria) == [criterion.value for criterion in Criterion]
    assert criteria["SOURCE"] | {} == {
        "criterion": "SOURCE",
        "learners": 5,
        "mastery": 1.0,
        "by_scenario": {SCENARIO: 1.0},
        "suppressed": False,
    }
    assert criteria["DATE"]["mastery"] == 0.6  # learners 0, 1, 2 of the five
    assert criteria["EMOTION"]["learners"] == 0 and criteria["EMOTION"]["mastery"] is None
    assert body["most_missed"] == [{"criterion": "DATE", "miss_rate": 0.4, "scenario": SCENARIO}]

    quiz = body["quiz"]
    # learner 5's pre-test is form B, and their second answer to b02 does not count
    assert quiz["pre"] == {
        "learners": 5,
        "fake_detection": 0.5,
        "reliable_detection": 1.0,  # « je ne sais pas » is left out, not counted wrong
        "discernment": 0.75,
        "bias": -0.5,
        "unsure_rate": 0.2,
        "suppressed": False,
    }
    assert quiz["post"] == {
        "learners": 5,
        "fake_detection": 1.0,
        "reliable_detection": 1.0,
        "discernment": 1.0,
        "bias": 0.0,
        "unsure_rate": 0.0,
        "suppressed": False,
    }
    assert quiz["gain"] == {
        "learners": 5,
        "fake_detection": 0.5,
        "reliable_detection": 0.0,
        "discernment": 0.25,
        "bias": 0.5,
        # every learner gained alike, but on 2 + 3 items a form: ± 27 points, rounded up
        "discernment_margin": 0.3,
        "discernment_change": "noise",
        "suppressed": False,
    }
    assert quiz["delayed"]["learners"] == 0 and quiz["delayed"]["suppressed"]

    (day,) = body["activity"]
    assert day["date"] == NOW.astimezone(ZoneInfo("Europe/Paris")).date().isoformat()
    # answers of the day's first five learners: 2 steps + 10 quiz items, one more for 3 and 5
    assert (day["learners"], day["answers"], day["suppressed"]) == (5, 62, False)

    assert not re.search(r"[0-9a-f]{64}", json.dumps(body)), "a pseudonym leaked"


def test_fewer_than_k_active_learners_break_nothing_down(
    client: TestClient,
    alice_auth: dict[str, str],
    code: str,
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> None:
    learners = join(code, 6)
    ingest([e for e in known_class(learners) if e["learner"] in learners[:4]])
    body = get_summary(client, alice_auth, code)
    assert body["learners"] == 6
    assert body["active_learners"] is None and body["suppressed"] is True
    assert body["scenarios"] == body["criteria"] == body["most_missed"] == body["activity"] == []
    assert body["scenarios_started"] is None
    assert all(body["quiz"][part]["suppressed"] for part in ("pre", "post", "gain"))


def test_the_threshold_comes_from_settings(
    settings: ApiSettings,
    alice_auth: dict[str, str],
    join: Callable[[str, int], list[str]],
) -> None:
    lenient = settings.model_copy(update={"k_anonymity": 3})
    with TestClient(create_app(lenient)) as client:
        code = new_class(client, alice_auth)
        learners = [client.post("/chat/session", json={"class_code": code}) for _ in range(6)]
        assert all(response.status_code == 201 for response in learners)
        ids = join(code, 0)  # nobody new; read the pseudonyms back
        assert ids == []
        from sqlalchemy import create_engine, text

        engine = create_engine(settings.effective_database_url)
        with engine.connect() as connection:
            pseudonyms = list(
                connection.execute(
                    text("SELECT id FROM learners WHERE class_code = :c ORDER BY id"), {"c": code}
                ).scalars()
            )
        engine.dispose()
        headers = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
        response = client.post(
            "/api/v1/events", json={"events": known_class(pseudonyms)}, headers=headers
        )
        assert response.status_code == 200
        body = get_summary(client, alice_auth, code)
    assert body["k_anonymity"] == 3
    other = body["scenarios"][1]
    assert other["suppressed"] is False and other["learners_started"] == 3
    assert body["active_learners"] == 6  # bands of k = 3


def test_a_realistic_class_of_thirty(
    client: TestClient,
    alice_auth: dict[str, str],
    code: str,
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> None:
    learners = join(code, 30)
    rng = random.Random(7)
    start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(
        days=21
    )
    ingest(list(class_history(rng, CATALOGUE, learners=learners, start=start)))
    body = get_summary(client, alice_auth, code)
    assert body["active_learners"] == 30 and not body["suppressed"]
    shown = [s for s in body["scenarios"] if not s["suppressed"]]
    assert body["scenarios_started"] == sum(s["learners_started"] for s in shown)
    assert shown and all(0 <= s["mean_score"] <= 1 for s in shown)
    assert all(s["learners_started"] >= 5 and s["learners_started"] % 5 == 0 for s in shown)
    rates = [s["mean_score"] for s in shown] + [c["mastery"] for c in body["criteria"]]
    assert all(round(rate * 20, 9).is_integer() for rate in rates if rate is not None)
    assert all((c["mastery"] is None) == (c["learners"] in (0, None)) for c in body["criteria"])
    assert len(body["most_missed"]) == 3
    misses = [item["miss_rate"] for item in body["most_missed"]]
    assert misses == sorted(misses, reverse=True)
    assert body["quiz"]["gain"]["learners"] >= 5
    assert body["activity"] and all(
        day["suppressed"] == (day["answers"] is None) for day in body["activity"]
    )
