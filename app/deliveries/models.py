"""The mail delivery table: one row per message to send, with its status."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class MailKind(StrEnum):
    """What a message is for."""

    invitation = "invitation"
    claim_link = "claim_link"
    password_reset = "password_reset"  # noqa: S105 - a kind of mail, not a secret


class DeliveryStatus(StrEnum):
    """Where a message stands: `queued` (due at `next_attempt_at`), `sending` (held by a
    worker until `next_attempt_at`), `sent` (the server accepted it), `failed` (refused
    for good, or every attempt failed), `cancelled` (no longer needed: the credential was
    claimed or the invitation accepted before it went)."""

    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"


class MailDelivery(Base):
    """One message to one recipient. Its secret link is made when it is sent, never
    stored: the row names what the link is for (a provider user, a batch row's credential)."""

    __tablename__ = "mail_delivery"
    __table_args__ = (Index("ix_mail_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[int] = mapped_column(ForeignKey("training_provider.id"), index=True)
    provider_user_id: Mapped[int | None] = mapped_column(ForeignKey("provider_user.id"))
    batch_id: Mapped[str | None] = mapped_column(String(36), index=True)
    row_number: Mapped[int | None]
    credential_id: Mapped[str | None] = mapped_column(String(36))
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    requested_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.queued)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None]
