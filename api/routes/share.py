"""The share kit pages (French, public, no login): `/partager` for Vigie in general,
`/partager/{code}` for one class (route name `share_kit`, linked from the dashboard), their
printable A4 posters, and the QR codes as SVG and PNG.

Shows join material only — never a class's name, educator or figures; an unknown code is a
404 page. QR images do not touch the database (they encode a link, nothing more).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from api.data.classes import CODE_PATTERN
from api.data.models import Classroom
from api.web import rendering, share_kit
from api.web.deps import SessionDep, SettingsDep

router = APIRouter(prefix="/partager", tags=["share"], include_in_schema=False)
QR_HEADERS = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
TargetQuery = Annotated[share_kit.Target, Query()]
CodePath = Annotated[str, Path(pattern=CODE_PATTERN)]


def _png(settings: SettingsDep, code: str | None, target: share_kit.Target) -> Response:
    share = share_kit.kit(settings, code)
    return Response(
        share_kit.qr_png(share_kit.link(settings, code, target)),
        media_type="image/png",
        headers=QR_HEADERS
        | {"Content-Disposition": f'inline; filename="{share.download_name(target, "png")}"'},
    )


def _class_kit(
    request: Request, session: SessionDep, settings: SettingsDep, code: str, template: str
) -> HTMLResponse:
    classroom = session.get(Classroom, code.upper()) if len(code) <= 16 else None
    if classroom is None:
        return rendering.page(request, "share/not_found.html", {"code": code}, status_code=404)
    share = share_kit.kit(settings, classroom.code)
    return rendering.page(request, template, {"kit": share, "settings": settings})


@router.get("", response_class=HTMLResponse)
def share_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The public kit: Vigie's links, QR codes, snippet and poster, without a class."""
    return rendering.page(request, "share/kit.html", {"kit": share_kit.kit(settings)})


@router.get("/affiche", response_class=HTMLResponse)
def general_poster(request: Request, settings: SettingsDep) -> HTMLResponse:
    """A printable A4 poster for Vigie in general."""
    return rendering.page(
        request, "share/poster.html", {"kit": share_kit.kit(settings), "settings": settings}
    )


@router.get("/qr.svg", response_class=Response)
def general_qr_svg(settings: SettingsDep, target: TargetQuery = "web") -> Response:
    svg = share_kit.qr_svg(share_kit.link(settings, None, target), title=share_kit.GENERAL_QR_TITLE)
    return Response(svg, media_type="image/svg+xml", headers=QR_HEADERS)


@router.get("/qr.png", response_class=Response)
def general_qr_png(settings: SettingsDep, target: TargetQuery = "web") -> Response:
    return _png(settings, None, target)


@router.get("/{code}", response_class=HTMLResponse, name="share_kit")
def class_share_page(
    request: Request, code: str, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """One class's kit: its join links, QR codes, widget snippet and poster."""
    return _class_kit(request, session, settings, code, "share/kit.html")


@router.get("/{code}/affiche", response_class=HTMLResponse)
def class_poster(
    request: Request, code: str, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """One class's printable A4 poster (big QR code of the web link, three short lines)."""
    return _class_kit(request, session, settings, code, "share/poster.html")


@router.get("/{code}/qr.png", response_class=Response)
def class_qr_png(code: CodePath, settings: SettingsDep, target: TargetQuery = "web") -> Response:
    """The class's QR code as PNG (the SVG one is `/join/{code}/qr.svg`)."""
    return _png(settings, code, target)
