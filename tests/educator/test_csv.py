"""The class CSV: French Excel friendly, one row per pseudonymous learner × scenario, k rule."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.educator.helpers import OTHER_SCENARIO, SCENARIO, known_class, new_class

HEADER = [
    "eleve",
    "scenario",
    "titre",
    "quiz",
    "commence",
    "termine",
    "etapes_notees",
    "points",
    "points_max",
    "score_pct",
    "indices",
    "reflexes_attendus",
    "reflexes_trouves",
    "dernier_jour",
]


def download(client: TestClient, headers: dict[str, str], code: str) -> list[list[str]]:
    response = client.get(f"/api/v1/classes/{code}/export.csv", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="vigie-{code}.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_one_row_per_learner_and_scenario_with_aliases(
    client: TestClient,
    alice_auth: dict[str, str],
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 6)
    ingest(known_class(learners))
    rows = download(client, alice_auth, code)
    assert rows[0] == HEADER
    body = [dict(zip(HEADER, values, strict=True)) for values in rows[1:]]
    # 6 learners × the main scenario + 6 × 2 quiz forms; the other scenario (3 learners) is withheld
    assert sorted({r["scenario"] for r in body}) == sorted({SCENARIO, "quiz_a", "quiz_b"})
    assert OTHER_SCENARIO not in {r["scenario"] for r in body}
    assert len(body) == 6 * 3
    aliases = {r["eleve"] for r in body}
    assert len(aliases) == 6 and not aliases & set(learners)
    assert all(len(alias) == 12 for alias in aliases)
    main = [r for r in body if r["scenario"] == SCENARIO]
    assert sorted(int(r["score_pct"]) for r in main) == [38, 62, 75, 75, 100, 100]
    assert {r["reflexes_attendus"] for r in main} == {"DATE SOURCE"}
    assert sorted(r["termine"] for r in main) == ["non"] + ["oui"] * 5
    roles = {(r["scenario"], r["quiz"]) for r in body if r["scenario"].startswith("quiz")}
    assert roles == {
        ("quiz_a", "avant"),
        ("quiz_a", "après"),
        ("quiz_b", "avant"),
        ("quiz_b", "après"),
    }
    again = download(client, alice_auth, code)
    assert {r[0] for r in again[1:]} == aliases  # stable from one download to the next


def test_fewer_than_k_learners_gives_headers_only(
    client: TestClient,
    alice_auth: dict[str, str],
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 4)
    ingest(known_class(learners))
    assert download(client, alice_auth, code) == [HEADER]
