"""Pseudonymous learners and their class membership.

Knows learners only by pseudonym; never receives a name or platform id.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.data.models import Classroom, Learner, utcnow


def class_exists(session: Session, *, code: str) -> bool:
    return session.get(Classroom, code) is not None


def touch(session: Session, *, learner: str, class_code: str | None = None) -> Learner:
    """Create the learner on first sight, refresh last_seen, and join a class when given."""
    row = session.get(Learner, learner)
    if row is None:
        row = Learner(id=learner, class_code=class_code)
        session.add(row)
    else:
        row.last_seen = utcnow()
        if class_code is not None:
            row.class_code = class_code
    session.commit()
    return row


def ensure_exist(session: Session, *, learners: set[str]) -> None:
    """Add the learners not yet known (events may arrive before any session row)."""
    if not learners:
        return
    known = set(session.scalars(select(Learner.id).where(Learner.id.in_(learners))))
    session.add_all(Learner(id=learner) for learner in learners - known)
    if known:
        # Activity keeps a learner's progress within its retention period.
        session.execute(update(Learner).where(Learner.id.in_(known)).values(last_seen=utcnow()))
    session.flush()
