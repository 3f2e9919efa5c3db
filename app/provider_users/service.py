"""Inviting provider users, accepting invitations, signing in, and managing a provider's
users. Every function works inside one provider: callers pass the provider id of the
person acting, and a user of another provider is simply not found."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.passwords import hash_secret, verify_secret
from app.auth.roles import Principal, Role
from app.auth.service import InvalidGrant
from app.fields import Language
from app.provider_users.errors import InvitationNotValid, ProviderUserExists, ProviderUserNotFound
from app.provider_users.models import (
    ProviderInvitation,
    ProviderPasswordReset,
    ProviderRole,
    ProviderUser,
)
from app.providers import service as providers_service

SUBJECT_PREFIX: Final = "provider_user:"
INVITATION_DAYS: Final = 7
"""How long an invitation link can be accepted."""
MIN_PASSWORD_LENGTH: Final = 12


def principal_of(user: ProviderUser) -> Principal:
    """The principal a provider user acts as: a provider principal (so the services that
    check a provider's ownership treat them as they treat the provider's API clients),
    with a subject of their own for the audit log."""
    return Principal(
        subject=f"{SUBJECT_PREFIX}{user.id}",
        role=Role.provider,
        name=user.name,
        provider_id=user.provider_id,
    )


def token_digest(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    """Email addresses compare without case or surrounding spaces."""
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class Invitation:
    """A new invitation: who it is for and the secret token of its link (shown once)."""

    user: ProviderUser
    token: str
    expires_at: datetime


def invite(
    session: Session,
    *,
    provider_id: int,
    email: str,
    name: str,
    role: ProviderRole,
    language: Language,
    actor: Principal,
    now: datetime,
) -> Invitation:
    """Invite someone to the provider's portal. Someone already invited who has not yet
    accepted gets a fresh link (the earlier ones stop working); someone with an account
    is refused, in this provider or another."""
    providers_service.get_provider(session, provider_id=provider_id)
    address = normalize_email(email)
    user = session.scalar(select(ProviderUser).where(ProviderUser.email == address))
    if user is not None and (user.provider_id != provider_id or user.password_hash is not None):
        raise ProviderUserExists("This email address already has a provider account.")
    if user is None:
        user = ProviderUser(
            provider_id=provider_id,
            email=address,
            name=name.strip(),
            role=role.value,
            language=language.value,
            password_hash=None,
            created_at=now,
            updated_at=now,
        )
        session.add(user)
        session.flush()
    else:
        user.name, user.role, user.language = name.strip(), role.value, language.value
        void_links(session, ProviderInvitation, user_id=user.id, now=now)
    token, expires_at = _new_link(session, user=user, invited_by=actor.subject, now=now)
    audit_service.record(
        session,
        actor=actor,
        action="provider_user.invited",
        target_type="provider_user",
        target_id=str(user.id),
        after={
            "provider_id": provider_id,
            "role": role.value,
            "expires_at": expires_at.isoformat(),
        },
        now=now,
    )
    session.flush()
    return Invitation(user=user, token=token, expires_at=expires_at)


def _new_link(
    session: Session, *, user: ProviderUser, invited_by: str, now: datetime
) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=INVITATION_DAYS)
    session.add(
        ProviderInvitation(
            user_id=user.id,
            token_hash=token_digest(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return token, expires_at


def renew_invitation(
    session: Session, *, user_id: int, invited_by: str, now: datetime
) -> Invitation | None:
    """A fresh link for someone still to accept their invitation (the earlier links stop
    working), as mail delivery makes one for each attempt; None once they have accepted or
    been disabled."""
    user = session.get(ProviderUser, user_id)
    if user is None or user.password_hash is not None or not user.is_active:
        return None
    void_links(session, ProviderInvitation, user_id=user.id, now=now)
    token, expires_at = _new_link(session, user=user, invited_by=invited_by, now=now)
    return Invitation(user=user, token=token, expires_at=expires_at)


OneTimeLink = type[ProviderInvitation] | type[ProviderPasswordReset]
"""A table of single-use links that set a provider user's password."""


def void_links(session: Session, link: OneTimeLink, *, user_id: int, now: datetime) -> None:
    """Every unused link of the user's in `link`'s table stops working."""
    session.execute(
        update(link).where(link.user_id == user_id, link.used_at.is_(None)).values(used_at=now)
    )


def set_password_by_link(
    session: Session,
    link: OneTimeLink,
    *,
    user: ProviderUser,
    token: str,
    password: str,
    now: datetime,
    action: str,
    already_used: Exception,
) -> None:
    """Spend `token`'s link and set the user's password, audited as `action`: the user's
    other links of that kind are voided; of two posts of one link at once only the first
    spends it, the other gets `already_used`."""
    spent = session.execute(
        update(link)
        .where(link.token_hash == token_digest(token), link.used_at.is_(None))
        .values(used_at=now)
    )
    if getattr(spent, "rowcount", 1) != 1:
        raise already_used
    void_links(session, link, user_id=user.id, now=now)
    user.password_hash = hash_secret(password)
    user.updated_at = now
    audit_service.record(
        session,
        actor=principal_of(user),
        action=action,
        target_type="provider_user",
        target_id=str(user.id),
        now=now,
    )
    session.flush()


def open_invitation(session: Session, *, token: str, now: datetime) -> ProviderUser:
    """The user an invitation link is for, if it can still be accepted (410 otherwise)."""
    invitation = session.scalar(
        select(ProviderInvitation).where(ProviderInvitation.token_hash == token_digest(token))
    )
    if invitation is None or invitation.used_at is not None or now >= invitation.expires_at:
        raise InvitationNotValid("This invitation link is unknown, used or expired.")
    user = session.get(ProviderUser, invitation.user_id)
    if user is None or not user.is_active:
        raise InvitationNotValid("This invitation link is unknown, used or expired.")
    return user


def accept_invitation(
    session: Session, *, token: str, password: str, now: datetime
) -> ProviderUser:
    """Spend an invitation: the invitee's password is set and every link of theirs voided."""
    user = open_invitation(session, token=token, now=now)
    set_password_by_link(
        session,
        ProviderInvitation,
        user=user,
        token=token,
        password=password,
        now=now,
        action="provider_user.invitation-accepted",
        already_used=InvitationNotValid("This invitation link has just been used."),
    )
    return user


def authenticate(session: Session, *, email: str, password: str) -> ProviderUser:
    """The active provider user with this email address and password (`InvalidGrant`
    otherwise, after the same Argon2id effort whether or not the address is known)."""
    user = session.scalar(select(ProviderUser).where(ProviderUser.email == normalize_email(email)))
    hashed = user.password_hash if user is not None else None
    if not verify_secret(hashed, password) or user is None:
        raise InvalidGrant("Unknown email address or wrong password.", error="invalid_grant")
    if not user.is_active:
        raise InvalidGrant("This account is disabled.", error="invalid_grant")
    return user


def load_signed_in(
    session: Session, *, subject: str, role: str, signed_in_at: datetime
) -> ProviderUser | None:
    """The user a portal session names, if they are still active with that role and their
    account has not changed (password, role, re-enabling) since they signed in."""
    user_id = subject.removeprefix(SUBJECT_PREFIX)
    if not subject.startswith(SUBJECT_PREFIX) or not user_id.isdigit():
        return None
    user = session.get(ProviderUser, int(user_id))
    if user is None or not user.is_active or user.role != role or user.password_hash is None:
        return None
    # Whole seconds, as in access tokens: a sign-in in the second of the change still works.
    if int(signed_in_at.timestamp()) < int(user.updated_at.timestamp()):
        return None
    return user


def list_users(session: Session, *, provider_id: int) -> list[ProviderUser]:
    """The provider's users, by name."""
    query = select(ProviderUser).where(ProviderUser.provider_id == provider_id)
    return list(session.scalars(query.order_by(ProviderUser.name, ProviderUser.id)))


def get_user(session: Session, *, provider_id: int, user_id: int) -> ProviderUser:
    """One of the provider's users (404 for anyone else's, exactly as for no one)."""
    user = session.get(ProviderUser, user_id)
    if user is None or user.provider_id != provider_id:
        raise ProviderUserNotFound(f"No user {user_id} in this provider.")
    return user


def set_active(
    session: Session,
    *,
    provider_id: int,
    user_id: int,
    active: bool,
    actor: Principal,
    now: datetime,
) -> ProviderUser:
    """Disable a provider user (their sessions end at once) or enable them again."""
    user = get_user(session, provider_id=provider_id, user_id=user_id)
    if user.is_active != active:
        user.is_active = active
        user.updated_at = now
        audit_service.record(
            session,
            actor=actor,
            action="provider_user.enabled" if active else "provider_user.disabled",
            target_type="provider_user",
            target_id=str(user.id),
            now=now,
        )
        session.flush()
    return user
