"""Educator accounts: creation and password authentication (CRUD with keyword-only arguments).

Never stores a password in clear and never says whether an e-mail exists.
"""

from __future__ import annotations

from sqlalchemy import delete as delete_rows
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.core.security import passwords
from api.data.models import Classroom, Educator


class EducatorExists(Exception):
    """An account with that e-mail already exists."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create(session: Session, *, email: str, password: str) -> Educator:
    """A new account; raises EducatorExists (e-mails are compared case-insensitively)."""
    educator = Educator(
        email=normalise_email(email), password_hash=passwords.hash_password(password)
    )
    session.add(educator)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise EducatorExists(educator.email) from error
    return educator


def set_password(session: Session, *, educator: Educator, password: str) -> None:
    educator.password_hash = passwords.hash_password(password)
    session.commit()


def end_dashboard_sessions(session: Session, *, educator: Educator) -> None:
    """Revoke every dashboard cookie issued so far (they carry the previous version)."""
    educator.session_version += 1
    session.commit()


def delete(session: Session, *, educator: Educator) -> int:
    """Delete the account and its classes; returns how many classes went. The learners stay,
    pseudonymous and without a class, until their own retention period or erasure."""
    count = session.scalar(
        select(func.count()).select_from(Classroom).where(Classroom.educator_id == educator.id)
    )
    session.execute(delete_rows(Classroom).where(Classroom.educator_id == educator.id))
    session.delete(educator)
    session.commit()
    return count or 0


def by_email(session: Session, *, email: str) -> Educator | None:
    email = normalise_email(email)
    if "\x00" in email:  # no stored e-mail holds NUL (PostgreSQL text cannot): do not ask
        return None
    return session.scalar(select(Educator).where(Educator.email == email))


def authenticate(session: Session, *, email: str, password: str) -> Educator | None:
    """The educator when the password matches, else None (same cost either way)."""
    educator = by_email(session, email=email)
    if not passwords.verify_password(educator.password_hash if educator else None, password):
        return None
    assert educator is not None
    if passwords.needs_rehash(educator.password_hash):
        set_password(session, educator=educator, password=password)
    return educator
