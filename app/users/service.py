"""Creating and looking up staff users."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.passwords import hash_secret
from app.auth.roles import STAFF_ROLES, Role
from app.errors import Conflict, ValidationFailed
from app.users.models import StaffUser

MIN_PASSWORD_LENGTH = 12


class UsernameTaken(Conflict):
    slug = "username-taken"
    title = "That username is already taken"


def create_user(session: Session, *, username: str, password: str, role: Role) -> StaffUser:
    """Add a staff user with a hashed password."""
    if role not in STAFF_ROLES:
        raise ValidationFailed(f"Staff users are admin, registrar or auditor, not {role}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise UsernameTaken(f"A user named {username!r} already exists.")
    user = StaffUser(username=username, password_hash=hash_secret(password), role=role.value)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[StaffUser]:
    """All staff users, by username."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))
