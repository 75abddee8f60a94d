"""Learner enrolment and erasure for the chat bridges: join a class, or be forgotten.

Only the bridges (holding the ingest token) may call it; it never receives a platform id.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict

from api import learners, retention
from api.deps import IngestAuth, SessionDep, TrackerDep
from api.schemas import ClassCode, Pseudonym

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


@router.post("/{learner}/erase")
def erase(learner: Pseudonym, session: SessionDep, tracker: TrackerDep) -> ErasureOut:
    """Forget a learner everywhere: progress and the Rasa conversation."""
    progress, conversation = retention.erase_learner(session, tracker, learner=learner)
    return ErasureOut(progress_events=progress, conversation_events=conversation)


@router.post("/join")
def join(body: JoinIn, session: SessionDep) -> JoinOut:
    """Put a pseudonymous learner in a class (created on first sight; moves if already known)."""
    if not learners.class_exists(session, code=body.class_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Code de classe inconnu.")
    learners.touch(session, learner=body.learner, class_code=body.class_code)
    return JoinOut(learner=body.learner, class_code=body.class_code)
