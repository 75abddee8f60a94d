"""The class CSV: the summary's tables as rows for French Excel, and nothing about one learner."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from api.reports.csv_export import _number
from tests.educator.helpers import CATALOGUE, NOW, OTHER_SCENARIO, SCENARIO, known_class, new_class
from tests.educator.helpers import summary as get_summary

HEADER = ["tableau", "ligne", "mesure", "valeur", "unite", "eleves"]


def download(client: TestClient, headers: dict[str, str], code: str) -> list[list[str]]:
    response = client.get(f"/api/v1/classes/{code}/export.csv", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="vigie-{code}.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert b"\r\n" in response.content
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_is_the_summary_as_rows(
    client: TestClient,
    alice_auth: dict[str, str],
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 7)
    ingest(known_class(learners[:6]))
    rows = download(client, alice_auth, code)
    assert rows[0] == HEADER
    table = {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in rows[1:]}
    assert len(table) == len(rows) - 1  # one figure a row
    title = CATALOGUE.scenarios[SCENARIO].title.fr
    other = CATALOGUE.scenarios[OTHER_SCENARIO].title.fr
    assert table[("classe", "", "élèves inscrits")] == ("7", "élèves", "")
    assert table[("classe", "", "élèves actifs")] == ("5", "élèves", "")
    assert table[("classe", "", "scénarios commencés")] == ("5", "élève × scénario", "")
    assert table[("scenarios", title, "score moyen")] == ("80", "%", "5")
    assert table[("scenarios", other, "score moyen")] == ("", "%", "moins de 5")
    date = "Vérifier la date et le contexte"
    assert table[("reflexes", date, "tous les scénarios")] == ("60", "%", "5")
    assert table[("reflexes", date, title)] == ("60", "%", "")
    discernment = "Discernement (moyenne des deux ; 50 % = hasard)"
    assert table[("quiz", "avant", discernment)] == ("75", "%", "5")
    assert table[("quiz", "avant", "Réponses « je ne sais pas »")] == ("20", "%", "5")
    assert table[("quiz", "évolution (après − avant)", discernment)] == ("25", "points", "5")
    bias = "Biais (positif : doute de tout ; négatif : croit tout)"
    assert table[("quiz", "avant", bias)] == ("-50", "points", "5")

    # every figure with a value rests on a band of at least k learners (heat cells: their row's)
    figures = [r for r in rows[1:] if r[3] and r[4] in {"%", "points"}]
    assert figures and all(r[5] == "" or int(r[5]) >= 5 for r in figures)
    # the same figures as the summary, and nothing about a learner, a day or a time
    body = get_summary(client, alice_auth, code)
    assert table[("scenarios", title, "commencé par")][0] == str(
        body["scenarios"][0]["learners_started"]
    )
    text = "\n".join(";".join(row) for row in rows)
    assert not re.search(r"[0-9a-f]{12}", text), "a learner alias or pseudonym"
    assert NOW.date().isoformat() not in text and not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert not any(learner in text for learner in learners)


def test_fewer_than_k_learners_gives_the_class_counts_only(
    client: TestClient,
    alice_auth: dict[str, str],
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 4)
    ingest(known_class(learners))
    assert download(client, alice_auth, code) == [
        HEADER,
        ["classe", "", "élèves inscrits", "4", "élèves", ""],
        ["classe", "", "élèves actifs", "", "élèves", "moins de 5"],
    ]


def test_numbers_are_written_for_a_french_spreadsheet() -> None:
    assert [_number(v) for v in (12.5, 35.000000001, -10.0, 0)] == ["12,5", "35", "-10", "0"]
