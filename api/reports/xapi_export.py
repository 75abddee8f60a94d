"""The class CSV as xAPI statements (`export.xapi.json`): one `scored` statement per figure the CSV
shows, made by the class as a group, never by a learner.

Never reads anything but the CSV's own rows: a figure withheld there (fewer than k learners) is
absent here, and no statement names a pseudonym, a day or a learner's before/after pair.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from api.reports import csv_export
from api.reports.labels import labels
from api.reports.xapi_statements import (
    LANGUAGE,
    PLATFORM,
    VERSION,
    Deployment,
    Statement,
    account,
    activity,
    names,
    statement_id,
    timestamp,
    verb,
)

RATE_UNITS = frozenset({"percent", "points"})
"""Figures in hundredths of the scale (rates, gains in points): an xAPI scaled score."""


def _rows(csv_text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(csv_text.removeprefix(csv_export.BOM)), delimiter=";")
    next(reader)  # the header
    yield from reader


def _number(text: str) -> float:
    """The CSV's « 12,5 » read back."""
    return float(text.replace(",", "."))


def _result(value: float, unit: str, learners: str, deployment: Deployment) -> dict[str, Any]:
    rate = unit in RATE_UNITS and -100 <= value <= 100
    score = {"scaled": round(value / 100, 4)} if rate else {"raw": value}
    extensions: dict[str, Any] = {deployment.iri("extensions", "unit"): unit}
    if learners:
        extensions[deployment.iri("extensions", "learners")] = learners
    return {"score": score, "extensions": extensions}


def statements(
    csv_text: str, *, code: str, deployment: Deployment, generated_at: datetime
) -> list[Statement]:
    """The statements of the CSV's shown figures, stamped with the export's time (each export
    is a new snapshot: its statement ids differ from an earlier export's)."""
    units = {label: unit for unit, label in labels()["csv"]["units"].items()}
    group = {"objectType": "Group", "account": account(deployment, code)}
    stamp = timestamp(generated_at)
    out: list[Statement] = []
    for table, line, measure, value, unit_label, learners in _rows(csv_text):
        if not value:
            continue  # withheld: fewer than k learners
        figure = " — ".join(part for part in (table, line, measure) if part)
        iri = deployment.iri("activities", "classes", code, "figures", statement_id(figure))
        name = names().figure.format(code=code, figure=figure)
        out.append(
            {
                "id": statement_id(f"{code}|{stamp}|{figure}"),
                "actor": group,
                "verb": verb("scored"),
                "object": activity(iri, name, "performance"),
                "result": _result(_number(value), units[unit_label], learners, deployment),
                "context": {"platform": PLATFORM, "language": LANGUAGE},
                "timestamp": stamp,
                "version": VERSION,
            }
        )
    return out
