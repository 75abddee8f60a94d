"""Classes: unguessable join codes, creation, the owner's list, and ownership checks.

Never returns another educator's class: a class that is not the caller's does not exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.data.models import Classroom, Learner

# No 0/O, 1/I/L: a code read aloud or copied from a board is typed right. 32 symbols x 8 = 40 bits.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_PATTERN = r"^[A-Z0-9]{4,16}$"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def create(session: Session, *, educator_id: int, name: str) -> Classroom:
    """A class with a fresh random code (drawn again on the rare collision)."""
    for _ in range(5):
        classroom = Classroom(code=new_code(), name=name, educator_id=educator_id)
        session.add(classroom)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        return classroom
    raise RuntimeError("could not draw a free class code")


@dataclass(frozen=True)
class ClassListing:
    classroom: Classroom
    learners: int


def list_owned(session: Session, *, educator_id: int) -> Sequence[ClassListing]:
    """The educator's classes, newest first, with how many learners joined each."""
    joined = (
        select(Learner.class_code, func.count().label("n"))
        .where(Learner.class_code.is_not(None))
        .group_by(Learner.class_code)
        .subquery()
    )
    rows = session.execute(
        select(Classroom, func.coalesce(joined.c.n, 0))
        .outerjoin(joined, joined.c.class_code == Classroom.code)
        .where(Classroom.educator_id == educator_id)
        .order_by(Classroom.created_at.desc(), Classroom.code)
    ).all()
    return [ClassListing(classroom=row[0], learners=int(row[1])) for row in rows]


def get_owned(session: Session, *, educator_id: int, code: str) -> Classroom | None:
    """The class when it exists and belongs to that educator, else None."""
    classroom = session.get(Classroom, code)
    if classroom is None or classroom.educator_id != educator_id:
        return None
    return classroom
