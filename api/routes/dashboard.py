"""The educator dashboard pages (French, server-rendered): class list and creation, one page per
class with its join link, QR code and progress, the CSV download and the printable report.

Never shows another educator's class (404 page) and never a figure about fewer than k learners.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from starlette.routing import NoMatchFound

from api.core.security import csrf
from api.data import classes, xapi_outbox
from api.schemas.educator import CLASS_NAME_MAX, ClassName
from api.web import class_views, rendering
from api.web.deps import (
    CatalogueDep,
    DashboardClassDep,
    DashboardClassNotFound,
    DashboardUserDep,
    SessionDep,
    SettingsDep,
)

router = APIRouter(prefix="/dashboard", include_in_schema=False)
CLASS_NAME = TypeAdapter(ClassName)


def _share_kit_url(request: Request, code: str) -> str | None:
    """The class's share kit, when the app has one (a route named `share_kit`)."""
    try:
        return str(request.app.url_path_for("share_kit", code=code))
    except NoMatchFound:
        return None


def _class_list(
    request: Request,
    user: DashboardUserDep,
    session: SessionDep,
    *,
    error: str | None = None,
    name: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    listings = classes.list_owned(session, educator_id=user.educator.id)
    return rendering.page(
        request,
        "classes.html",
        {
            "user": user,
            "listings": listings,
            "error": error,
            "name": name,
            "name_max": CLASS_NAME_MAX,
        },
        status_code=status_code,
    )


def not_found_page(request: Request, error: Exception) -> HTMLResponse:
    """The 404 page for DashboardClassNotFound (registered on the app in api/main.py)."""
    assert isinstance(error, DashboardClassNotFound)
    return rendering.page(
        request, "error.html", {"user": error.user, "error": "not_found"}, status_code=404
    )


@router.get("", response_class=HTMLResponse)
def class_list(request: Request, user: DashboardUserDep, session: SessionDep) -> HTMLResponse:
    """My classes, and the form to create one."""
    return _class_list(request, user, session)


@router.post("/classes", response_class=HTMLResponse)
def create_class(
    request: Request,
    user: DashboardUserDep,
    session: SessionDep,
    name: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Create a class, then show its page (join link and QR code first)."""
    if not csrf.matches(user.csrf, csrf_token):
        return rendering.csrf_refused(request, user)
    try:
        valid_name = CLASS_NAME.validate_python(name)
    except ValidationError:
        shown = "".join(ch for ch in name.strip() if ch.isprintable())[:CLASS_NAME_MAX]
        return _class_list(request, user, session, error="name", name=shown, status_code=422)
    classroom = classes.create(session, educator_id=user.educator.id, name=valid_name)
    return RedirectResponse(
        f"/dashboard/classes/{classroom.code}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.get("/classes/{code}", response_class=HTMLResponse)
def class_page(
    request: Request,
    classroom: DashboardClassDep,
    user: DashboardUserDep,
    session: SessionDep,
    settings: SettingsDep,
    catalogue: CatalogueDep,
) -> HTMLResponse:
    """One class: how to join it, and what it has learned."""
    summary = class_views.class_summary(
        session, classroom=classroom, settings=settings, catalogue=catalogue
    )
    context = class_views.page_context(classroom=classroom, summary=summary, settings=settings)
    context |= {"user": user, "share_kit": _share_kit_url(request, classroom.code)}
    if settings.xapi_enabled:  # the xAPI switch (api/routes/dashboard_xapi.py)
        context["xapi_group"] = xapi_outbox.group_shared(session, code=classroom.code)
    return rendering.page(request, "class.html", context)


@router.get("/classes/{code}/export.csv")
def class_csv(
    classroom: DashboardClassDep,
    session: SessionDep,
    settings: SettingsDep,
    catalogue: CatalogueDep,
) -> Response:
    """The class CSV (same file as the API's)."""
    return class_views.csv_response(
        session, classroom=classroom, settings=settings, catalogue=catalogue
    )


@router.get("/classes/{code}/rapport", response_class=HTMLResponse)
def class_report(
    classroom: DashboardClassDep,
    session: SessionDep,
    settings: SettingsDep,
    catalogue: CatalogueDep,
) -> HTMLResponse:
    """The printable report of the class."""
    return class_views.report_response(
        session, classroom=classroom, settings=settings, catalogue=catalogue
    )
