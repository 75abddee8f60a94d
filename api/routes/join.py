"""Public QR codes of join links, for the dashboard, the report and printed posters.

Never touches the database: the QR encodes only the link, so it reveals no class's existence.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from api.data.classes import CODE_PATTERN
from api.reports.labels import labels
from api.web.deps import SettingsDep
from api.web.join_links import qr_svg, target_link

router = APIRouter(prefix="/join", tags=["join"])


@router.get(
    "/{code}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
def qr_code(
    code: Annotated[str, Path(pattern=CODE_PATTERN)],
    settings: SettingsDep,
    target: Annotated[Literal["web", "telegram"], Query()] = "web",
) -> Response:
    """An SVG QR code of the class's web (default) or Telegram join link."""
    svg = qr_svg(target_link(settings, code, target), title=labels()["qr_title"])
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
