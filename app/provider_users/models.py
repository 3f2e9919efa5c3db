"""Provider user and invitation tables."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class ProviderRole(StrEnum):
    """What a provider user may do in the portal: a provider admin also manages the
    provider's users; provider staff work with curricula and credentials."""

    provider_admin = "provider_admin"
    provider_staff = "provider_staff"


class ProviderUser(Base):
    """A person who belongs to one training provider and signs in to the portal with their
    email address and a password they chose when they accepted their invitation."""

    __tablename__ = "provider_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("training_provider.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Lower-cased, so that sign-in ignores case."""
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    """The language of the mail sent to them."""
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """None until the invitation is accepted."""
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProviderInvitation(Base):
    """A single-use, expiring link that lets an invited provider user set their password.

    Only a SHA-256 digest of the token is stored: whoever reads the database cannot accept
    an invitation. Inviting someone again voids their earlier links.
    """

    __tablename__ = "provider_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("provider_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ProviderPasswordReset(Base):
    """A single-use link, valid for an hour, that lets a provider user who forgot their
    password choose a new one.

    Only a SHA-256 digest of the token is stored. Each mail makes a new link and voids the
    earlier ones; setting the password spends it and ends the user's sessions.
    """

    __tablename__ = "provider_password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("provider_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
