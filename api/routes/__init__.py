"""The API's routers, one module per resource, gathered here."""

from fastapi import APIRouter

from api.routes import chat, events, health

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(chat.router)
api_router.include_router(events.router)
