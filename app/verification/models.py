"""The trust registry of issuers, and anonymous verification events (the mobility metric)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDocument, utcnow


class TrustedIssuer(Base):
    """An issuer DID staff trust (e.g. another national NASSC node), with its DID document
    pinned so its credentials verify offline."""

    __tablename__ = "trusted_issuer"

    id: Mapped[int] = mapped_column(primary_key=True)
    did: Mapped[str] = mapped_column(String(500), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    did_document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    added_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VerificationEvent(Base):
    """One verification, anonymous: what was verified, from which country, with what outcome.

    Never who: no credential id, holder, IP address or user agent is recorded.
    """

    __tablename__ = "verification_event"
    # The mobility report's counts scan this index alone.
    __table_args__ = (
        Index(
            "ix_verification_event_report",
            "occurred_at",
            "employer_country",
            "issuing_country",
            "sector",
            "outcome",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_code: Mapped[str | None] = mapped_column(String(64), index=True)
    sector: Mapped[str | None] = mapped_column(String(64))
    issuing_country: Mapped[str | None] = mapped_column(String(2))
    employer_country: Mapped[str | None] = mapped_column(String(2))
    outcome: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
