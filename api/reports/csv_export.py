"""The class CSV: the class summary's tables as rows, one figure a row, for a French spreadsheet
(semicolon-separated, UTF-8 with a BOM, decimal comma).

Never has a row about one learner, a day or a learner's before/after pair: every value is read
from the ClassSummary, under its k, cohort, rounding and suppression rules.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from api.reports.labels import labels
from api.schemas.educator import ClassSummary, QuizGain, QuizMeasures

BOM = "\ufeff"
Row = tuple[str, str, str, str, str, str]
QUIZ_MEASURES = ("fake_detection", "reliable_detection", "discernment", "bias", "unsure_rate")


def _number(value: float) -> str:
    """12.5 → « 12,5 », 35.000000001 → « 35 » (French spreadsheets read a decimal comma)."""
    return f"{value:.1f}".removesuffix(".0").replace(".", ",")


class _Rows:
    """Builds rows of one table; a withheld value is an empty cell with « moins de k »."""

    def __init__(self, table: str, k: int) -> None:
        self.table = labels()["csv"]["tables"][table]
        self.withheld = labels()["csv"]["withheld"].format(k=k)

    def row(
        self, line: str, measure: str, value: float | None, unit: str, learners: int | None = None
    ) -> Row:
        unit_label = labels()["csv"]["units"][unit]
        if value is None:
            return (self.table, line, measure, "", unit_label, self.withheld)
        shown = _number(100 * value if unit in {"percent", "points"} else value)
        return (
            self.table,
            line,
            measure,
            shown,
            unit_label,
            "" if learners is None else str(learners),
        )


def _class_rows(summary: ClassSummary) -> Iterator[Row]:
    names = labels()["csv"]["class"]
    rows = _Rows("class", summary.k_anonymity)
    yield rows.row("", names["learners"], summary.learners, "learners")
    yield rows.row("", names["active_learners"], summary.active_learners, "learners")
    if summary.suppressed:
        return
    yield rows.row("", names["scenarios_started"], summary.scenarios_started, "pairs")
    yield rows.row("", names["scenarios_completed"], summary.scenarios_completed, "pairs")


def _scenario_rows(summary: ClassSummary) -> Iterator[Row]:
    names = labels()["csv"]["scenario"]
    rows = _Rows("scenarios", summary.k_anonymity)
    for figure in summary.scenarios:
        started = figure.learners_started
        yield rows.row(figure.title, names["learners_started"], started, "learners")
        yield rows.row(
            figure.title, names["learners_completed"], figure.learners_completed, "learners"
        )
        yield rows.row(figure.title, names["mean_score"], figure.mean_score, "percent", started)


def _reflex_rows(summary: ClassSummary) -> Iterator[Row]:
    rows = _Rows("reflexes", summary.k_anonymity)
    titles = {
        figure.scenario: figure.title for figure in summary.scenarios if not figure.suppressed
    }
    for figure in summary.criteria:
        label = labels()["criteria"][figure.criterion.value]["label"]
        everywhere = labels()["csv"]["all_scenarios"]
        if figure.learners != 0:
            yield rows.row(label, everywhere, figure.mastery, "percent", figure.learners)
        for scenario, value in figure.by_scenario.items():
            if scenario in titles:
                yield rows.row(label, titles[scenario], value, "percent")


def _part_rows(rows: _Rows, part: str, figures: QuizMeasures) -> Iterator[Row]:
    line, names = labels()["csv"]["quiz_parts"][part], labels()["quiz_measures"]
    for measure in QUIZ_MEASURES:
        unit = "points" if measure == "bias" else "percent"
        yield rows.row(line, names[measure], getattr(figures, measure), unit, figures.learners)


def _gain_rows(rows: _Rows, part: str, gain: QuizGain) -> Iterator[Row]:
    line, names = labels()["csv"]["quiz_parts"][part], labels()["quiz_measures"]
    for measure in QUIZ_MEASURES[:4]:
        yield rows.row(line, names[measure], getattr(gain, measure), "points", gain.learners)
    margin = labels()["csv"]["discernment_margin"]
    yield rows.row(line, margin, gain.discernment_margin, "points", gain.learners)


def _quiz_rows(summary: ClassSummary) -> Iterator[Row]:
    rows, quiz = _Rows("quiz", summary.k_anonymity), summary.quiz
    if quiz.pre.learners != 0:
        yield from _part_rows(rows, "pre", quiz.pre)
    if quiz.post.learners != 0:
        yield from _part_rows(rows, "post", quiz.post)
        yield from _gain_rows(rows, "gain", quiz.gain)
    if quiz.delayed.learners != 0:
        yield from _part_rows(rows, "delayed", quiz.delayed)
    if quiz.lasting.learners != 0:
        yield from _gain_rows(rows, "lasting", quiz.lasting)


def _investigation_rows(summary: ClassSummary) -> Iterator[Row]:
    rows, figures = _Rows("investigation", summary.k_anonymity), summary.investigation
    names = labels()["csv"]["investigation"]
    if summary.suppressed or figures.learners == 0:
        return
    yield rows.row("", names["learners"], figures.learners, "learners")
    for tool in figures.tools:
        line = labels()["tools"][tool.tool.value]
        yield rows.row(line, names["used_by"], tool.used_by, "percent", figures.learners)
    if not figures.suppressed:
        # the tools no learner of the figures tried, named in the measure column
        tools = ", ".join(labels()["tools"][tool.value] for tool in figures.never_tried)
        count = len(figures.never_tried)
        yield rows.row(
            names["never_tried"], tools or names["none"], count, "tools", figures.learners
        )
    yield rows.row(
        "", names["first_move_lateral"], figures.first_move_lateral, "percent", figures.learners
    )


def _mission_rows(summary: ClassSummary) -> Iterator[Row]:
    rows, figures = _Rows("missions", summary.k_anonymity), summary.missions
    names = labels()["csv"]["missions"]
    if summary.suppressed or (figures.learners_completed == figures.learners_recognising == 0):
        return
    yield rows.row("", names["learners_completed"], figures.learners_completed, "learners")
    yield rows.row("", names["learners_recognising"], figures.learners_recognising, "learners")
    recognised = figures.techniques_recognised
    yield rows.row(
        "", names["techniques_recognised"], recognised, "percent", figures.learners_recognising
    )


def export(summary: ClassSummary) -> str:
    """The CSV text, BOM included."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(labels()["csv"]["columns"])
    tables = (_class_rows, _scenario_rows, _reflex_rows, _quiz_rows, _investigation_rows)
    for rows in (*tables, _mission_rows):
        writer.writerows(rows(summary))
    return BOM + buffer.getvalue()
