"""Provider users who forgot their password: a single-use link, valid for an hour, sent to
their address, with which they choose a new one.

The answer to a request never says whether the address has an account: the portal asks
`account_for_reset`, and only queues a mail when there is one. The link itself is made
when the mail is sent (`renew_link`, as for invitations), so it is never stored in the
clear and a retried mail voids the undelivered one. Setting the new password spends the
link, voids the user's other links, and ends every session they had (their `updated_at`
moves past the sessions' sign-in times; see `service.load_signed_in`). Requests are audited
as `provider_user.password-reset-requested` (anonymous), the change as
`provider_user.password-reset` (by the user).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.provider_users.errors import ResetLinkNotValid
from app.provider_users.models import ProviderPasswordReset, ProviderUser
from app.provider_users.service import (
    normalize_email,
    set_password_by_link,
    token_digest,
    void_links,
)

RESET_MINUTES: Final = 60
"""How long a reset link works."""
TARGET: Final = "provider_user"


@dataclass(frozen=True, slots=True)
class ResetLink:
    """A new reset link's token (to mail, never to store) and when it stops working."""

    user: ProviderUser
    token: str
    expires_at: datetime


def _can_reset(user: ProviderUser | None) -> bool:
    # Someone still to accept their invitation sets a password through it, not here.
    return user is not None and user.is_active and user.password_hash is not None


def account_for_reset(session: Session, *, email: str, now: datetime) -> ProviderUser | None:
    """The active account with this address that has a password, audited as a request
    (None, and nothing recorded, when there is none: the page answers the same)."""
    user = session.scalar(select(ProviderUser).where(ProviderUser.email == normalize_email(email)))
    if user is None or not _can_reset(user):
        return None
    audit_service.record(
        session,
        actor=None,
        action="provider_user.password-reset-requested",
        target_type=TARGET,
        target_id=str(user.id),
        now=now,
    )
    return user


def renew_link(session: Session, *, user_id: int, now: datetime) -> ResetLink | None:
    """A new link for the user (their earlier ones stop working), as the mail is sent;
    None when they can no longer reset (disabled meanwhile)."""
    user = session.get(ProviderUser, user_id)
    if user is None or not _can_reset(user):
        return None
    void_links(session, ProviderPasswordReset, user_id=user.id, now=now)
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(minutes=RESET_MINUTES)
    session.add(
        ProviderPasswordReset(
            user_id=user.id, token_hash=token_digest(token), created_at=now, expires_at=expires_at
        )
    )
    session.flush()
    return ResetLink(user=user, token=token, expires_at=expires_at)


def open_link(session: Session, *, token: str, now: datetime) -> ProviderUser:
    """The user a reset link is for, while it can be used (410 otherwise)."""
    link = session.scalar(
        select(ProviderPasswordReset).where(ProviderPasswordReset.token_hash == token_digest(token))
    )
    if link is None or link.used_at is not None or now >= link.expires_at:
        raise ResetLinkNotValid("This password reset link is unknown, used or expired.")
    user = session.get(ProviderUser, link.user_id)
    if user is None or not _can_reset(user):
        raise ResetLinkNotValid("This password reset link is unknown, used or expired.")
    return user


def reset_password(session: Session, *, token: str, password: str, now: datetime) -> ProviderUser:
    """Spend the link and set the new password; every session of the user ends."""
    user = open_link(session, token=token, now=now)
    set_password_by_link(
        session,
        ProviderPasswordReset,
        user=user,
        token=token,
        password=password,
        now=now,
        action="provider_user.password-reset",
        already_used=ResetLinkNotValid("This password reset link has just been used."),
    )
    return user
