"""Staff users: create, look up, change role, disable and enable, reset passwords.

Every change is recorded in the audit log in the same transaction, with the role and
active flag before and after (never a password or its hash). Changes take effect on the
caller's next request, because every request re-reads its principal from the database.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.passwords import hash_secret
from app.auth.roles import STAFF_ROLES, Principal, Role
from app.db import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.users.models import StaffUser

MIN_PASSWORD_LENGTH = 12
GENERATED_PASSWORD_BYTES = 18  # 24 URL-safe characters, 144 bits
TARGET_TYPE = "staff_user"


class UsernameTaken(Conflict):
    slug = "username-taken"
    title = "That username is already taken"


class UserNotFound(NotFound):
    slug = "user-not-found"
    title = "No such staff user"


class SelfLockout(Conflict):
    slug = "self-lockout"
    title = "Admins cannot disable or demote themselves"


class LastAdmin(Conflict):
    slug = "last-admin"
    title = "The service must keep at least one active admin"


def _state(user: StaffUser) -> dict[str, Any]:
    return {"role": user.role, "is_active": user.is_active}


def _check_role(role: Role) -> None:
    if role not in STAFF_ROLES:
        raise ValidationFailed(f"Staff users are admin, registrar or auditor, not {role}.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> StaffUser:
    """Add a staff user with a hashed password (audited as `user.create`)."""
    _check_role(role)
    _check_password(password)
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise UsernameTaken(f"A user named {username!r} already exists.")
    now = now or utcnow()
    user = StaffUser(
        username=username,
        password_hash=hash_secret(password),
        role=role.value,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    after = {"username": username, **_state(user)}
    audit_service.record_change(
        session,
        actor=actor,
        action="user.create",
        target=(TARGET_TYPE, str(user.id)),
        before=None,
        after=after,
        now=now,
    )
    return user


def list_users(session: Session) -> list[StaffUser]:
    """All staff users, by username."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def get_user(session: Session, *, user_id: int, lock: bool = False) -> StaffUser:
    """One staff user (404 if absent); `lock` holds its row until the transaction ends."""
    query = select(StaffUser).where(StaffUser.id == user_id)
    user = session.scalar(query.with_for_update() if lock else query)
    if user is None:
        raise UserNotFound(f"No staff user with id {user_id}.")
    return user


def _guard_admin_loss(session: Session, *, user: StaffUser, actor: Principal | None) -> None:
    """Refuse to disable or demote an admin if that would leave no active admin.

    Admins may not lock themselves out at all. For another admin, the remaining active
    admins are locked and counted, so two admins disabling each other at the same time
    cannot both succeed.
    """
    if actor is not None and actor.user_id == user.id:
        raise SelfLockout("Ask another admin to disable or demote your account.")
    others = session.scalars(
        select(StaffUser.id)
        .where(
            StaffUser.role == Role.admin.value,
            StaffUser.is_active.is_(True),
            StaffUser.id != user.id,
        )
        .with_for_update()
    ).all()
    if not others:
        raise LastAdmin("Make another user an active admin first.")


def update_user(
    session: Session,
    *,
    user_id: int,
    role: Role | None = None,
    is_active: bool | None = None,
    actor: Principal | None,
    now: datetime,
) -> StaffUser:
    """Change a user's role and/or active flag (audited as `user.update`).

    A request that changes nothing records nothing. Demoting or disabling an active admin
    is refused when it is the caller (`SelfLockout`) or the last active admin (`LastAdmin`).
    """
    user = get_user(session, user_id=user_id, lock=True)
    if role is not None:
        _check_role(role)
    before = _state(user)
    new_role = user.role if role is None else role.value
    new_active = user.is_active if is_active is None else is_active
    if (new_role, new_active) == (user.role, user.is_active):
        return user
    loses_admin = new_role != Role.admin.value or not new_active
    if user.role == Role.admin.value and user.is_active and loses_admin:
        _guard_admin_loss(session, user=user, actor=actor)
    user.role, user.is_active, user.updated_at = new_role, new_active, now
    session.flush()
    action = "user.update"
    if role is None or new_role == before["role"]:
        action = "user.enable" if new_active else "user.disable"
    elif is_active is None or new_active == before["is_active"]:
        action = "user.change-role"
    audit_service.record_change(
        session,
        actor=actor,
        action=action,
        target=(TARGET_TYPE, str(user.id)),
        before=before,
        after=_state(user),
        now=now,
    )
    return user


def set_active(
    session: Session, *, user_id: int, active: bool, actor: Principal | None, now: datetime
) -> StaffUser:
    """Disable or enable a user (audited as `user.disable` / `user.enable`).

    A disabled user's tokens stop working on their next request; enabling changes
    nothing else (role and password stay as they were).
    """
    return update_user(session, user_id=user_id, is_active=active, actor=actor, now=now)


def reset_password(
    session: Session,
    *,
    user_id: int,
    password: str | None,
    actor: Principal | None,
    now: datetime,
) -> tuple[StaffUser, str | None]:
    """Set a new password, or generate one when `password` is None (audited as
    `user.reset-password`). Returns the user and the generated password, shown once."""
    user = get_user(session, user_id=user_id, lock=True)
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    _check_password(password)
    user.password_hash = hash_secret(password)
    user.updated_at = now
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="user.reset-password",
        target=(TARGET_TYPE, str(user.id)),
        before=None,
        after={"generated": generated is not None},
        now=now,
    )
    return user, generated
