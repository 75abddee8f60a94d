"""The dashboard's switch for one class's xAPI group: whether the class code travels with the
statements sent to the learning record store (docs/deploy.md § xAPI; default: it does not).

Never changes a class without its owner signed in and the form's CSRF token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response

from api.core.security import csrf
from api.data import xapi_outbox
from api.web import rendering
from api.web.deps import DashboardClassDep, DashboardUserDep, SessionDep

router = APIRouter(prefix="/dashboard", include_in_schema=False)


@router.post("/classes/{code}/xapi-group")
def share_xapi_group(
    request: Request,
    classroom: DashboardClassDep,
    user: DashboardUserDep,
    session: SessionDep,
    share: Annotated[str, Form(max_length=1)] = "",
    csrf_token: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """`share=1` sends the class code with the statements from now on, `share=0` stops it."""
    if not csrf.matches(user.csrf, csrf_token):
        return rendering.csrf_refused(request, user)
    xapi_outbox.share_group(session, code=classroom.code, shared=share == "1")
    return RedirectResponse(
        f"/dashboard/classes/{classroom.code}#xapi", status_code=status.HTTP_303_SEE_OTHER
    )
