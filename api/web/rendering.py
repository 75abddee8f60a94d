"""Server-rendered French pages of the dashboard: the Jinja environment, its filters, and the
no-caching header of every page (the security headers are api/web/security_headers.py's).

Never renders a value unescaped (autoescape on) and never lets a page be framed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.reports.labels import labels

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
NBSP = "\u202f"  # narrow no-break space before % in French
# The security headers (CSP without inline script or style, frame-ancestors, nosniff…) are set
# on every response in one place, api/web/security_headers.py; a page only says it is not cacheable.
PAGE_HEADERS = {"Cache-Control": "no-store"}


def percent(value: float | None) -> str:
    """0.723 → « 72 % » ; None → « — »."""
    return "—" if value is None else f"{round(value * 100)}{NBSP}%"


def points(value: float | None) -> str:
    """A signed difference of rates in percentage points: 0.12 → « +12 pts »."""
    if value is None:
        return "—"
    rounded = round(value * 100)
    return f"{'+' if rounded > 0 else ''}{rounded}{NBSP}pts".replace("-", "−")


def day(value: date) -> str:
    """« 24 nov. » in French without depending on the system locale."""
    return f"{value.day} {labels()['months'][value.month - 1]}"


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.filters.update(percent=percent, points=points, day=day)
    templates.env.globals.update(labels=labels())
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    return templates


TEMPLATES = _templates()


def page(
    request: Request, template: str, context: Mapping[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the security headers (and the k-anonymity threshold for its footer)."""
    values = {"k": request.app.state.settings.k_anonymity} | dict(context)
    return TEMPLATES.TemplateResponse(
        request, template, values, status_code=status_code, headers=PAGE_HEADERS
    )


def render(template: str, context: Mapping[str, Any]) -> str:
    """Render a template to text (the printable report served by the JSON API)."""
    return TEMPLATES.get_template(template).render(**context)


def csrf_refused(request: Request, user: object) -> HTMLResponse:
    """The 403 page of a dashboard form posted without the signed-in user's CSRF token."""
    return page(request, "error.html", {"user": user, "error": "csrf"}, status_code=403)
