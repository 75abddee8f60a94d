"""The quiz in three phases (issue 17): before, after and a week later (form C), each over its own
learners under the k rule, and what lasts (form C − before, paired) — in the summary, the CSV
and the class page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from tests.educator.helpers import NOW, known_class, new_class, quiz
from tests.educator.helpers import summary as get_summary

Ingest = Callable[[list[dict]], None]
Join = Callable[[str, int], list[str]]
DISCERNMENT = "Discernement (moyenne des deux ; 50 % = hasard)"
DELAYED = "une semaine plus tard (forme C)"
LASTING = "ce qui reste (une semaine plus tard − avant)"


def delayed_retest(learners: list[str]) -> list[dict]:
    """Form C after both forms, every fake missed: fakes 0 %, reliable 100 %, discernment 50 %."""
    events = []
    for i, learner in enumerate(learners):
        events += quiz(learner, "quiz_c", fakes_right=0, at=NOW + timedelta(minutes=i))
    return events


def csv_table(client: TestClient, headers: dict[str, str], code: str) -> dict:
    response = client.get(f"/api/v1/classes/{code}/export.csv", headers=headers)
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in rows}


def test_the_three_phases_and_what_lasts(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 6)
    ingest(known_class(learners) + delayed_retest(learners[:5]))
    quiz_figures = get_summary(client, alice_auth, code)["quiz"]
    discernment = [quiz_figures[part]["discernment"] for part in ("pre", "post", "delayed")]
    assert discernment == [0.75, 1.0, 0.5]
    assert (quiz_figures["delayed"]["learners"], quiz_figures["delayed"]["suppressed"]) == (
        5,
        False,
    )
    lasting = quiz_figures["lasting"]
    assert (lasting["learners"], lasting["suppressed"]) == (5, False)
    # each learner's form C − their first form: fakes 0 − 50 %, reliable 100 − 100 %
    assert (lasting["fake_detection"], lasting["reliable_detection"]) == (-0.5, 0.0)
    assert lasting["discernment"] == -0.25
    assert lasting["discernment_margin"] is not None and lasting["discernment_change"] in {
        "down",
        "noise",
    }

    table = csv_table(client, alice_auth, code)
    assert table[("quiz", "avant", DISCERNMENT)] == ("75", "%", "5")
    assert table[("quiz", "après", DISCERNMENT)] == ("100", "%", "5")
    assert table[("quiz", DELAYED, DISCERNMENT)] == ("50", "%", "5")
    assert table[("quiz", LASTING, DISCERNMENT)] == ("-25", "points", "5")

    page = client.get(f"/api/v1/classes/{code}/report", headers=alice_auth).text
    phases = page.split('class="data phases"', 1)[1].split("</table>", 1)[0]
    assert [phases.index(name) for name in ("Avant", "Après", "Une semaine plus tard")] == sorted(
        phases.index(name) for name in ("Avant", "Après", "Une semaine plus tard")
    )
    assert all(value in phases for value in ("75\u202f%", "100\u202f%", "50\u202f%"))
    assert "Une semaine plus tard, " in page  # the sentence on what lasted


def test_the_third_phase_is_withheld_below_k(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 6)
    ingest(known_class(learners) + delayed_retest(learners[:4]))
    quiz_figures = get_summary(client, alice_auth, code)["quiz"]
    assert quiz_figures["post"]["discernment"] == 1.0  # the other phases are shown
    for part in ("delayed", "lasting"):
        assert quiz_figures[part]["learners"] is None and quiz_figures[part]["suppressed"]
        assert quiz_figures[part]["discernment"] is None
    table = csv_table(client, alice_auth, code)
    assert table[("quiz", DELAYED, DISCERNMENT)] == ("", "%", "moins de 5")
    assert table[("quiz", LASTING, DISCERNMENT)] == ("", "points", "moins de 5")
    page = client.get(f"/api/v1/classes/{code}/report", headers=alice_auth).text
    phases = page.split('class="data phases"', 1)[1].split("</table>", 1)[0]
    delayed_row = phases.split("Une semaine plus tard", 1)[1]
    assert "moins de 5" in delayed_row and "pas encore" in delayed_row
    assert "Une semaine plus tard, " not in page


def test_nobody_took_form_c_yet(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    code = new_class(client, alice_auth)
    ingest(known_class(join(code, 6)))
    quiz_figures = get_summary(client, alice_auth, code)["quiz"]
    assert quiz_figures["delayed"]["learners"] == quiz_figures["lasting"]["learners"] == 0
    assert not any(key[1] in {DELAYED, LASTING} for key in csv_table(client, alice_auth, code))
