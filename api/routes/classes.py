"""Class endpoints of the educator API (docs/architecture.md §5): create, list, summary, CSV,
report.

Never answers about another educator's class (404, like a missing one) nor without a token (401).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from fastapi.responses import HTMLResponse

from api.data import classes
from api.schemas.educator import ClassIn, ClassOut, ClassSummary
from api.web import class_views
from api.web.deps import CatalogueDep, CurrentEducator, OwnedClass, SessionDep, SettingsDep

CLASS_SCOPED: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such class among the caller's"}
}


def class_router() -> APIRouter:
    """A router of class endpoints (/api/v1/classes, bearer token): this module's, xapi.py's."""
    return APIRouter(
        prefix="/api/v1/classes",
        tags=["classes"],
        responses={401: {"description": "No or invalid bearer token"}},
    )


router = class_router()


@router.post("", status_code=status.HTTP_201_CREATED)
def create_class(
    body: ClassIn, educator: CurrentEducator, session: SessionDep, settings: SettingsDep
) -> ClassOut:
    """Create a class with an unguessable join code, its join links and QR code."""
    classroom = classes.create(session, educator_id=educator.id, name=body.name)
    return class_views.class_out(classroom, settings, learners=0)


@router.get("")
def list_classes(
    educator: CurrentEducator, session: SessionDep, settings: SettingsDep
) -> list[ClassOut]:
    """The caller's classes, newest first."""
    return [
        class_views.class_out(listing.classroom, settings, learners=listing.learners)
        for listing in classes.list_owned(session, educator_id=educator.id)
    ]


@router.get("/{code}/summary", responses=CLASS_SCOPED)
def get_summary(
    classroom: OwnedClass, session: SessionDep, settings: SettingsDep, catalogue: CatalogueDep
) -> ClassSummary:
    """Aggregates of the class; groups smaller than k are not broken down."""
    return class_views.class_summary(
        session, classroom=classroom, settings=settings, catalogue=catalogue
    )


@router.get(
    "/{code}/export.csv",
    response_class=Response,
    responses=CLASS_SCOPED | {200: {"content": {"text/csv": {}}}},
)
def export_csv(
    classroom: OwnedClass, session: SessionDep, settings: SettingsDep, catalogue: CatalogueDep
) -> Response:
    """The summary's tables, one figure a row (semicolon-separated, UTF-8 with BOM)."""
    return class_views.csv_response(
        session, classroom=classroom, settings=settings, catalogue=catalogue
    )


@router.get("/{code}/report", response_class=HTMLResponse, responses=CLASS_SCOPED)
def report(
    classroom: OwnedClass, session: SessionDep, settings: SettingsDep, catalogue: CatalogueDep
) -> HTMLResponse:
    """The printable class report (HTML styled for A4 printing)."""
    return class_views.report_response(
        session, classroom=classroom, settings=settings, catalogue=catalogue
    )
