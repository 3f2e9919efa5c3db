"""Public metadata of the issuer's signing keys (the private halves live in the key store)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class KeyStatus(StrEnum):
    """`active` signs; `published` only verifies; `retired` is withdrawn (e.g. compromise)."""

    active = "active"
    published = "published"
    retired = "retired"


class SigningKey(Base):
    """One Ed25519 key of the issuer's DID document."""

    __tablename__ = "signing_key"
    # At most one active key, even if two rotations race.
    __table_args__ = (
        Index(
            "uq_signing_key_one_active",
            "status",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(128), unique=True)
    public_key_multibase: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    retired_reason: Mapped[str | None] = mapped_column(String(1000))
