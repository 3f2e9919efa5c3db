"""Stored standard versions and their per-country delivery rows (for filtering)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONDocument, utcnow


class Standard(Base):
    """One version of a harmonized standard.

    The validated document lives in `content`; the columns beside it are what listings
    filter, sort and search on.
    """

    __tablename__ = "standard"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_standard_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), index=True)
    sector: Mapped[str] = mapped_column(String(64), index=True)
    nassc_level: Mapped[int]
    validity_years: Mapped[int]
    title_en: Mapped[str] = mapped_column(String(500))
    title_es: Mapped[str] = mapped_column(String(500))
    title_fr: Mapped[str] = mapped_column(String(500))
    search_text: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]

    deliveries: Mapped[list[StandardDelivery]] = relationship(
        back_populates="standard", cascade="all, delete-orphan"
    )


class StandardDelivery(Base):
    """That a standard version may be delivered in a country, in which languages."""

    __tablename__ = "standard_delivery"
    __table_args__ = (
        UniqueConstraint("standard_id", "country", name="uq_standard_delivery_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(
        ForeignKey("standard.id", ondelete="CASCADE"), index=True
    )
    country: Mapped[str] = mapped_column(String(2))
    # Comma-delimited with leading and trailing commas (",en,fr,") so a LIKE finds one.
    languages: Mapped[str] = mapped_column(String(32))

    standard: Mapped[Standard] = relationship(back_populates="deliveries")
