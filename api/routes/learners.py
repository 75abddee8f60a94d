"""Learner enrolment and erasure for the chat bridges: join a class, or be forgotten.

Only the bridges (holding the ingest token) may call it; it never receives a platform id, and it
is served on the internal listener only (deploy/nginx: not on the public server).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict

from api.data import learners, retention
from api.schemas.learner import ClassCode, Pseudonym
from api.web.deps import IngestAuth, SessionDep, TrackerDep

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/learners", tags=["learners"], dependencies=[IngestAuth])


class JoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    learner: Pseudonym
    class_code: ClassCode


class JoinOut(BaseModel):
    learner: str
    class_code: str


class ErasureOut(BaseModel):
    progress_events: int
    conversation_events: int


@router.post(
    "/{learner}/erase",
    responses={503: {"description": "Rasa's tracker store not found: nothing reported as done"}},
)
def erase(learner: Pseudonym, session: SessionDep, tracker: TrackerDep) -> ErasureOut:
    """Forget a learner everywhere: progress, the Rasa conversation, and the events still on
    their way from any action server (dropped on arrival)."""
    try:
        progress, conversation = retention.erase_learner(session, tracker, learner=learner)
    except retention.TrackerStoreMissing as error:
        log.error("erasure incomplete: %s", error)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(error)) from error
    return ErasureOut(progress_events=progress, conversation_events=conversation)


@router.post("/join")
def join(body: JoinIn, session: SessionDep) -> JoinOut:
    """Put a pseudonymous learner in a class (created on first sight; moves if already known)."""
    if not learners.class_exists(session, code=body.class_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Code de classe inconnu.")
    learners.touch(session, learner=body.learner, class_code=body.class_code)
    return JoinOut(learner=body.learner, class_code=body.class_code)
