"""Liveness check used by the launcher and the tests."""

from fastapi import APIRouter
from sqlalchemy import text

from api.web.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> dict[str, str]:
    """The API answers and its database is reachable."""
    session.execute(text("SELECT 1"))
    return {"status": "ok"}
