"""The API's routers, one module per resource, gathered here."""

from fastapi import APIRouter

from api.routes import (
    auth,
    chat,
    classes,
    dashboard,
    dashboard_auth,
    dashboard_xapi,
    events,
    health,
    join,
    learners,
    share,
    widget,
    xapi,
)

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(chat.router)
api_router.include_router(events.router)
api_router.include_router(auth.router)
api_router.include_router(classes.router)
api_router.include_router(join.router)
api_router.include_router(learners.router)
api_router.include_router(dashboard_auth.router)
api_router.include_router(dashboard.router)
api_router.include_router(dashboard_xapi.router)
api_router.include_router(widget.router)
api_router.include_router(share.router)
api_router.include_router(xapi.router)
