"""Progress-event ingestion (docs/architecture.md §6): idempotent on the event id; events of a
learner erased since they occurred are dropped (counted with the duplicates: already dealt with).

Never accepts free text: the schema has no field for it. Served on the internal listener only.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api.data import progress, retention, xapi_outbox
from api.schemas.learner import EventBatchIn, IngestResult, ProgressEventIn
from api.web.deps import CatalogueDep, IngestAuth, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/events", tags=["events"], dependencies=[IngestAuth])


@router.post("")
def ingest(
    body: EventBatchIn | ProgressEventIn,
    session: SessionDep,
    catalogue: CatalogueDep,
    settings: SettingsDep,
) -> IngestResult:
    """Store events once each, however often they are re-sent."""
    events = body.events if isinstance(body, EventBatchIn) else [body]
    unknown = progress.unknown_scenarios(events, catalogue)
    if unknown:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"Scénario inconnu : {', '.join(sorted(unknown))}",
        )
    kept, dropped = retention.drop_erased(session, events)
    stored, duplicates = progress.store_events(session, events=kept)
    if settings.xapi_enabled:  # before answering: an event re-sent after a crash is queued then
        xapi_outbox.enqueue(session, event_ids=[str(event.id) for event in kept])
    return IngestResult(stored=stored, duplicates=duplicates + dropped)
