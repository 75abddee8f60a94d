"""xAPI endpoints of the educator API: the class CSV as statements (`export.xapi.json`), and the
class's choice to let its code travel as the group of the statements sent to the LRS.

Never exports a statement about one learner: the export is the CSV's figures, made by the class.
Never answers about another educator's class (404) nor without a token (401).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.data import xapi_outbox
from api.reports import xapi_export
from api.routes.classes import CLASS_SCOPED, class_router
from api.web import class_views, xapi_forwarder
from api.web.deps import CatalogueDep, OwnedClass, SessionDep, SettingsDep

router = class_router()


class XapiGroupChoice(BaseModel):
    """Whether the class code is sent as the statements' context group (default: not)."""

    share_class_code: bool


@router.get("/{code}/export.xapi.json", responses=CLASS_SCOPED)
def export_xapi(
    classroom: OwnedClass, session: SessionDep, settings: SettingsDep, catalogue: CatalogueDep
) -> JSONResponse:
    """The CSV's figures as xAPI statements made by the class (a group), under the same
    k-anonymity, suppression and rounding rules: never a statement about one learner."""
    text = class_views.csv_text(
        session, classroom=classroom, settings=settings, catalogue=catalogue
    )
    statements = xapi_export.statements(
        text,
        code=classroom.code,
        deployment=xapi_forwarder.deployment(settings, catalogue),
        generated_at=datetime.now(UTC),
    )
    headers = {
        "Content-Disposition": f'attachment; filename="vigie-{classroom.code}.xapi.json"',
        "Cache-Control": "no-store",
    }
    return JSONResponse(statements, headers=headers)


@router.get("/{code}/xapi-group", responses=CLASS_SCOPED)
def get_xapi_group(classroom: OwnedClass, session: SessionDep) -> XapiGroupChoice:
    return XapiGroupChoice(share_class_code=xapi_outbox.group_shared(session, code=classroom.code))


@router.put("/{code}/xapi-group", responses=CLASS_SCOPED)
def share_xapi_group(classroom: OwnedClass, session: SessionDep) -> XapiGroupChoice:
    """Let the class code travel with the statements sent from now on (those still queued
    included)."""
    xapi_outbox.share_group(session, code=classroom.code, shared=True)
    return XapiGroupChoice(share_class_code=True)


@router.delete("/{code}/xapi-group", responses=CLASS_SCOPED)
def stop_xapi_group(classroom: OwnedClass, session: SessionDep) -> XapiGroupChoice:
    """Send the class's statements without its code again (the default)."""
    xapi_outbox.share_group(session, code=classroom.code, shared=False)
    return XapiGroupChoice(share_class_code=False)
