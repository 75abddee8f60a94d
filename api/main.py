"""Builds the FastAPI application: settings, database, Rasa client, routers, static chat,
and the client's address as forwarded by the configured reverse proxies only.

Applies no migrations itself (see `vigie api`), and never logs request bodies.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.core.db import make_engine, session_factory
from api.core.security.chat_sessions import SessionSigner
from api.core.settings import ApiSettings, get_settings
from api.routes import api_router, badges, dashboard
from api.web.deps import DashboardClassNotFound
from api.web.security_headers import SecurityHeadersMiddleware
from api.web.xapi_forwarder import Forwarder, make_client, run
from scenarios.loader import IMAGES_DIR, default_catalogue
from vigie.rasa_rest import RasaRestClient
from vigie.scrub import install_log_scrubber

STATIC_DIR = Path(__file__).resolve().parent / "static"


def _validation_message(error: RequestValidationError) -> list[dict[str, str]]:
    return [
        {
            "field": ".".join(str(part) for part in problem["loc"] if part != "body") or "body",
            "message": problem["msg"],
        }
        for problem in error.errors()
    ]


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_log_scrubber()
        timeout = httpx.Timeout(settings.rasa_timeout_seconds, connect=2.0)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
        async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
            app.state.rasa = RasaRestClient(
                client,
                settings.rasa_url,
                settings.rasa_connect_retries,
                max_in_flight=settings.rasa_max_in_flight,
            )
            if not settings.xapi_enabled:
                yield
            else:  # xAPI statements to the LRS (docs/deploy.md § xAPI), off by default
                with make_client(settings) as lrs:
                    forwarder = Forwarder(
                        settings, app.state.session_factory, app.state.catalogue, lrs
                    )
                    task = asyncio.create_task(run(forwarder, settings.xapi_interval_seconds))
                    yield
                    task.cancel()
                    with suppress(asyncio.CancelledError):
                        await task
        engine.dispose()

    app = FastAPI(title="Vigie API", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.session_factory = session_factory(engine)
    app.state.tracker_engine = make_engine(settings.effective_tracker_url)
    app.state.signer = SessionSigner(
        settings.secret("session_key"), settings.chat_session_max_age_days * 86400
    )
    app.state.catalogue = default_catalogue()

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"detail": "Requête invalide.", "errors": _validation_message(error)},
        )

    app.add_exception_handler(DashboardClassNotFound, dashboard.not_found_page)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    if settings.trusted_proxy_list:
        # Outermost: rate limits and login delays then see each client, not the proxy.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    app.include_router(api_router)
    app.include_router(badges.router)  # Open Badges 3.0 (docs/badges.md)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/scenario-images", StaticFiles(directory=IMAGES_DIR), name="scenario-images")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    return app
