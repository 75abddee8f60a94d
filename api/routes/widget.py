"""The one-tag embed: the widget script `/widget.js` and the chat frame `/embed` it opens.

The script is served with a strong ETag and a short public cache: embedding pages keep an
unversioned URL, so a new version reaches them within the hour, and an unchanged one costs a
304. The frame is the chat page on Vigie's own origin; which sites may frame it is the security
headers' business (`api/web/security_headers.py`). Neither ever carries a learner's data.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
WIDGET_FILE = STATIC_DIR / "widget.js"
FRAME_FILE = STATIC_DIR / "embed.html"
MEDIA_TYPE = "text/javascript; charset=utf-8"
CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400"

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=2)
def _script(_mtime_ns: int) -> tuple[bytes, str]:
    """The file and its ETag, read again only when the file changes."""
    body = WIDGET_FILE.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _headers(etag: str) -> dict[str, str]:
    return {
        "ETag": etag,
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
        # Loadable by embedding pages that isolate themselves (COEP: require-corp).
        "Cross-Origin-Resource-Policy": "cross-origin",
    }


@router.get("/widget.js")
def widget(request: Request) -> Response:
    """The widget script; `If-None-Match` with the current ETag gets a 304."""
    body, etag = _script(WIDGET_FILE.stat().st_mtime_ns)
    headers = _headers(etag)
    asked = request.headers.get("if-none-match", "")
    if etag in {tag.strip().removeprefix("W/") for tag in asked.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


@router.get("/embed")
def chat_frame() -> FileResponse:
    """The chat in frame mode, for the widget's iframe (the class code comes as `?classe=`)."""
    return FileResponse(FRAME_FILE, media_type="text/html; charset=utf-8")
