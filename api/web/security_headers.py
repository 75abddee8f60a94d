"""The security headers of every API response, set in one place (pages, JSON, files, errors).

A strict Content-Security-Policy (no inline script or style, nothing framed, nothing framing
us), nosniff, no referrer, no powerful browser features, HSTS when the public URL is https.
`Cache-Control: no-store` is added to dynamic responses that do not choose their own caching.
One page may be framed: the chat frame `/embed`, by the embedding origins listed in
`ApiSettings.cors_origins` (`VIGIE_CORS_ORIGINS`) only, never by any other site.

The interactive API docs (`/docs`, `/redoc`) are FastAPI's CDN-hosted pages: they get their own
policy, which allows their CDN and the exact inline script of the page (by hash), never any
inline script. Never reads or logs a request or response body elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.settings import ApiSettings

HSTS = "max-age=31536000; includeSubDomains"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
STATIC_PREFIXES = ("/static/", "/scenario-images/")
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
DOCS_CDN = "https://cdn.jsdelivr.net"
FRAMED_PATHS = frozenset({"/embed"})  # the chat frame that /widget.js opens on a host site
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_ORIGIN = re.compile(r"^https?://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?$", re.IGNORECASE)
log = logging.getLogger(__name__)


def origin_of(url: str) -> str | None:
    """`https://vigie.example/x` → `https://vigie.example` (None for a relative or empty URL)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def frame_ancestors(embedders: Iterable[str]) -> str:
    """Who may frame the chat frame: Vigie itself and each listed origin (`*`: every site).

    An entry that is not exactly `scheme://host[:port]` is left out (and logged), so that no
    setting can smuggle another directive into the policy.
    """
    origins = set()
    for entry in embedders:
        if entry == "*":
            return "*"
        origin = entry.strip().rstrip("/")
        if _ORIGIN.match(origin):
            origins.add(origin)
        else:
            log.warning("VIGIE_CORS_ORIGINS: %r is not an origin (scheme://host[:port])", entry)
    return " ".join(["'self'", *sorted(origins)])


def content_security_policy(image_origins: Iterable[str] = (), ancestors: str = "'none'") -> str:
    """The policy of every page: same-origin resources only, no inline script, no framing
    (except by `ancestors`, for the chat frame)."""
    images = " ".join(["'self'", "data:", *sorted(set(image_origins))])
    return (
        "default-src 'self'; "
        "script-src 'self'; "
        "style-src 'self'; "
        f"img-src {images}; "
        "connect-src 'self'; "
        "font-src 'self'; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "form-action 'self'; "
        f"frame-ancestors {ancestors}"
    )


def docs_policy(body: bytes) -> str:
    """FastAPI's Swagger UI / ReDoc pages: their CDN, and their own inline script by hash."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(body)
    ]
    scripts = " ".join(["'self'", DOCS_CDN, *hashes])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        f"style-src 'self' {DOCS_CDN} https://fonts.googleapis.com 'unsafe-inline'; "
        "font-src 'self' https://fonts.gstatic.com; "
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
        "worker-src 'self' blob:; "
        "connect-src 'self'; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    )


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds the headers when the response starts (no body buffering,
    except for the three small docs pages whose policy depends on their inline script)."""

    def __init__(self, app: ASGIApp, settings: ApiSettings) -> None:
        self.app = app
        # Scenario images are linked at the public URL (the API URL without one), as the action
        # server builds them: allowed even when a browser reaches us under another name.
        origin = origin_of(settings.base_url)
        images = [origin] if origin else []
        public_url = settings.public_url
        self.policy = content_security_policy(images)
        self.framed_policy = content_security_policy(images, frame_ancestors(settings.cors_origins))
        self.headers: dict[str, str] = {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Permissions-Policy": PERMISSIONS_POLICY,
            "X-Frame-Options": "DENY",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if public_url.lower().startswith("https://"):
            self.headers["Strict-Transport-Security"] = HSTS

    def _apply(self, headers: MutableHeaders, path: str, policy: str) -> None:
        for name, value in self.headers.items():
            headers[name] = value
        if path in FRAMED_PATHS:
            # CSP frame-ancestors decides; X-Frame-Options cannot list origins.
            del headers["X-Frame-Options"]
            policy = self.framed_policy
        headers["Content-Security-Policy"] = policy
        if "cache-control" not in headers and not path.startswith(STATIC_PREFIXES):
            headers["Cache-Control"] = "no-store"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path in DOCS_PATHS:
            await self._docs(scope, receive, send, path)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._apply(MutableHeaders(scope=message), path, self.policy)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        start: Message | None = None
        body = bytearray()

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if message.get("more_body", False):
                    return
                assert start is not None
                headers = MutableHeaders(scope=start)
                self._apply(headers, path, docs_policy(bytes(body)))
                headers["Content-Length"] = str(len(body))
                await send(start)
                await send({"type": "http.response.body", "body": bytes(body)})
                return
            await send(message)

        await self.app(scope, receive, buffer)
