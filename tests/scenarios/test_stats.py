"""`vigie scenarios stats` on the real catalogue: balance, coverage, readability, educators' table.

Figures are computed on the shipped catalogue; nothing here edits it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.transcript import texts, transcript
from ops.cli import main as vigie
from scenarios.loader import default_catalogue
from scenarios.readability import count, kandel_moles, sentences, syllables
from scenarios.schema import Criterion, InvestigateStep, Kind, Level, Tool
from scenarios.stats import (
    MIN_COVERAGE,
    Stats,
    compute,
    investigation,
    markdown_table,
    repeated_texts,
    report,
)
from vigie.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def stats() -> Stats:
    return compute(default_catalogue(), transcript=texts)


def test_every_kind_is_at_both_levels(stats: Stats) -> None:
    assert stats.missing_kind_levels == []
    assert set(stats.by_kind_level) == {(kind, level) for kind in Kind for level in Level}
    assert sum(stats.by_kind_level.values()) == stats.total >= 26


def test_at_least_a_third_of_items_are_reliable(stats: Stats) -> None:
    assert stats.reliable_share >= 1 / 3


def test_every_criterion_is_expected_in_at_least_four_scenarios(stats: Stats) -> None:
    assert set(stats.coverage) == set(Criterion)
    assert stats.thin_criteria == [], {c.value: stats.coverage[c] for c in stats.thin_criteria}
    assert all(n >= MIN_COVERAGE for n in stats.coverage.values())


def test_steps_per_scenario(stats: Stats) -> None:
    assert min(stats.steps) >= 3
    assert max(stats.steps) <= 6  # open, investigate, verdict and up to three more
    assert stats.step_kinds["verdict"][1] == stats.total
    assert stats.step_kinds["open"][1] == stats.total


def test_plain_language_is_easier_on_average(stats: Stats) -> None:
    assert stats.mean_falc > stats.mean_fr
    assert all(reading.paired > 0 for reading in stats.reading)
    # Reported, not required scenario by scenario; a regression shows in this count.
    assert len(stats.falc_not_easier) <= stats.total // 10, stats.falc_not_easier


def test_syllable_heuristic_on_common_words() -> None:
    expected = {
        "table": 1,
        "eau": 1,
        "l'eau": 1,
        "nation": 2,
        "réalité": 4,
        "naïf": 2,
        "année": 2,
        "poésie": 3,
        "qu'il": 1,
        "information": 4,
        "photo": 2,
        "chocolat": 3,
    }
    assert {word: syllables(word) for word in expected} == expected


def test_kandel_moles_prefers_short_sentences_and_short_words() -> None:
    plain = "Le chat dort. Il fait beau. On va jouer."
    dense = (
        "Les considérations épistémologiques contemporaines relatives à la vérification "
        "informationnelle demeurent particulièrement complexes et controversées."
    )
    assert kandel_moles(plain) > kandel_moles(dense)
    assert sentences("Bonjour, ici M. Delorme. Ne venez pas !") == 2
    assert count("").words == 0


def test_the_report_names_every_section(stats: Stats) -> None:
    text = report(stats)
    for heading in ("by kind, level and reliability", "Reliable items", "Steps per scenario"):
        assert heading in text
    assert "Criteria" in text
    assert "Kandel–Moles" in text and "falc not easier in" in text
    assert "On a phone: words and bubbles per scenario" in text and "text printed twice" in text


def test_the_kind_table_counts_the_reliable_items_of_each_cell(stats: Stats) -> None:
    catalogue = default_catalogue()
    kind, level = Kind.FAKE_SCREENSHOT, Level.COLLEGE
    cell = [s for s in catalogue.scenarios.values() if (s.kind, s.level) == (kind, level)]
    reliable = sum(s.item.reliable for s in cell)
    assert stats.reliable_by_kind_level[(kind, level)] == reliable
    row = next(line for line in report(stats).splitlines() if line.strip().startswith(kind.value))
    assert f"{len(cell)} ({reliable})" in row
    assert sum(stats.reliable_by_kind_level.values()) == stats.reliable


def test_the_investigate_steps_are_counted_with_the_tools_they_reward(stats: Stats) -> None:
    catalogue = default_catalogue()
    having = [
        s for s in catalogue.scenarios.values() if any(k.kind == "investigate" for k in s.steps)
    ]
    assert {i.scenario_id for i in stats.investigations} == {s.id for s in having}
    capture = investigation(catalogue.scenarios["capture_depute_lycee"])
    assert capture is not None
    assert (len(capture.tools), capture.budget, capture.enough) == (5, 3, 2)
    assert capture.rewarded == [Tool.SEARCH, Tool.OFFICIAL, Tool.ARCHIVE]
    assert capture.voids == [Tool.ARCHIVE]
    assert "capture_depute_lycee" in stats.with_data_void
    offered, rewarded = stats.tool_counts()[Tool.ARCHIVE]
    assert offered >= rewarded >= 1
    for scenario in having:
        step = next(k for k in scenario.steps if isinstance(k, InvestigateStep))
        assert any(move.void for move in step.moves) == (scenario.id in stats.with_data_void)


def test_the_report_shows_moves_budget_and_rewarded_tools(stats: Stats) -> None:
    text = report(stats)
    voids = len(stats.with_data_void)
    assert f"Investigate step: in {len(stats.investigations)}/{stats.total} scenarios" in text
    assert f"data voids in {voids}" in text
    section = text.split("Investigate step:")[1]
    (line,) = [
        row for row in section.splitlines() if row.strip().startswith("capture_depute_lycee")
    ]
    assert line.split()[1:5] == ["5", "3", "2", "1"]
    assert line.endswith("search, official, archive*")


def test_the_cli_prints_the_stats(capsys: pytest.CaptureFixture[str]) -> None:
    assert vigie(["scenarios", "stats"]) == 0
    out = capsys.readouterr().out
    assert f"{len(default_catalogue().scenarios)} scenarios" in out
    assert "missing kind × level: none" in out


def test_the_educators_table_lists_every_scenario_and_is_current() -> None:
    table = markdown_table(default_catalogue())
    for scenario_id in default_catalogue().scenarios:
        assert f"(`{scenario_id}`)" in table
    doc = Path(PROJECT_ROOT / "docs" / "educators.md").read_text(encoding="utf-8")
    assert table in doc, "paste `.venv/bin/vigie scenarios stats --markdown` into docs/educators.md"


def test_the_educators_table_names_the_tools_that_bring_evidence() -> None:
    table = markdown_table(default_catalogue())
    assert table.splitlines()[0].endswith("| Outils qui apportent des indices |")
    (row,) = [line for line in table.splitlines() if "(`capture_depute_lycee`)" in line]
    assert row.endswith("| recherche, source officielle, archives du web |")


def test_the_ready_made_paths_name_real_scenarios_with_their_minutes() -> None:
    doc = Path(PROJECT_ROOT / "docs" / "educators.md").read_text(encoding="utf-8")
    section = doc.split("### Parcours tout prêts")[1].split("\n## ")[0]
    cells = re.findall(r"\|\s*([^|]+?) \((\d+) min\)", section)
    assert len(cells) >= 6
    by_title = {s.title.fr: s for s in default_catalogue().scenarios.values()}
    for title, minutes in cells:
        assert title in by_title, title
        assert by_title[title].minutes == int(minutes), title


def test_every_scenario_is_measured_on_a_phone(stats: Stats) -> None:
    assert {s.scenario_id for s in stats.screens} == set(default_catalogue().scenarios)
    assert all(s.bubbles >= 8 and s.words > 50 for s in stats.screens)


def test_no_text_is_printed_twice_in_a_scenario(stats: Stats) -> None:
    assert stats.printed_twice == {}


def test_repeated_template_phrases_and_sentences_are_found() -> None:
    bubbles = [
        "🕵️ Ce que ferait un·e fact-checker : chercher la source.",
        "Ce que ferait un·e fact-checker : 1) lire.",
        "La photo a été prise en 2019 dans un autre pays. Bien vu.",
        "Indice. La photo a été prise en 2019 dans un autre pays !",
        "Bien vu.",
        "« Les élèves sont de plus en plus nuls. » Qui dit ça ?",
        "Le post dit : « Les élèves sont de plus en plus nuls. »",  # a quote, not a repeat
    ]
    assert repeated_texts(bubbles) == [
        "Ce que ferait un·e fact-checker",
        "La photo a été prise en 2019 dans un autre pays !",
    ]


def test_the_item_is_shown_once_and_the_debrief_is_one_bubble(stats: Stats) -> None:
    screens = {s.scenario_id: s for s in stats.screens}
    catalogue = default_catalogue()
    for scenario in catalogue.scenarios.values():
        bubbles = transcript(catalogue, scenario.id)
        assert sum(scenario.item.text.fr in b.text for b in bubbles) == 1, scenario.id
        (debrief,) = [b.text for b in bubbles if scenario.fact_checker.fr in b.text]
        assert scenario.debrief.fr in debrief and scenario.emotion.fr in debrief
        assert screens[scenario.id].bubbles == len(bubbles)
