"""What an educator reads about one class, built once for the API and the dashboard alike:
the class card, the summary, the CSV text and the printable report.

Never builds a view of a class without its owner having been checked by the caller.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.core.settings import ApiSettings
from api.data import class_events
from api.data.models import Classroom
from api.reports import csv_export, summary
from api.schemas.educator import ClassOut, ClassSummary, JoinLinksOut
from api.web import rendering
from api.web.join_links import links, qr_path
from scenarios.loader import Catalogue

REPORT_HEADERS = rendering.PAGE_HEADERS


def class_out(classroom: Classroom, settings: ApiSettings, *, learners: int) -> ClassOut:
    join = links(settings, classroom.code)
    return ClassOut(
        code=classroom.code,
        name=classroom.name,
        join=JoinLinksOut(telegram=join.telegram, web=join.web),
        qr=join.qr,
        learners=learners,
        created_at=classroom.created_at,
    )


def class_summary(
    session: Session, *, classroom: Classroom, settings: ApiSettings, catalogue: Catalogue
) -> ClassSummary:
    return summary.summarise(
        code=classroom.code,
        name=classroom.name,
        learners_joined=class_events.learners_joined(session, code=classroom.code),
        events=class_events.events_of_class(session, code=classroom.code),
        catalogue=catalogue,
        k=settings.k_anonymity,
        zone=ZoneInfo(settings.dashboard_timezone),
    )


def csv_text(
    session: Session, *, classroom: Classroom, settings: ApiSettings, catalogue: Catalogue
) -> str:
    """The summary's tables as CSV rows: the same figures, under the same rules."""
    return csv_export.export(
        class_summary(session, classroom=classroom, settings=settings, catalogue=catalogue)
    )


def csv_headers(classroom: Classroom) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="vigie-{classroom.code}.csv"',
        "Cache-Control": "no-store",
    }


def csv_response(
    session: Session, *, classroom: Classroom, settings: ApiSettings, catalogue: Catalogue
) -> Response:
    """The class CSV as a download (the API's and the dashboard's, the same file)."""
    text = csv_text(session, classroom=classroom, settings=settings, catalogue=catalogue)
    return Response(
        text.encode("utf-8"), media_type="text/csv; charset=utf-8", headers=csv_headers(classroom)
    )


def page_context(
    *, classroom: Classroom, summary: ClassSummary, settings: ApiSettings
) -> dict[str, Any]:
    """Everything the class page and the report templates need."""
    join = links(settings, classroom.code)
    titles = {figure.scenario: figure.title for figure in summary.scenarios}
    heat_columns = [figure.scenario for figure in summary.scenarios if not figure.suppressed]
    return {
        "classroom": classroom,
        "summary": summary,
        "join": join,
        "qr_src": qr_path(classroom.code),
        "titles": titles,
        "heat_columns": heat_columns,
        "generated_on": datetime.now(ZoneInfo(settings.dashboard_timezone)).date(),
        "k": settings.k_anonymity,
    }


def report_html(*, classroom: Classroom, summary: ClassSummary, settings: ApiSettings) -> str:
    return rendering.render(
        "report.html", page_context(classroom=classroom, summary=summary, settings=settings)
    )


def report_response(
    session: Session, *, classroom: Classroom, settings: ApiSettings, catalogue: Catalogue
) -> HTMLResponse:
    """The printable class report (the API's and the dashboard's, the same page)."""
    figures = class_summary(session, classroom=classroom, settings=settings, catalogue=catalogue)
    body = report_html(classroom=classroom, summary=figures, settings=settings)
    return HTMLResponse(body, headers=REPORT_HEADERS)
