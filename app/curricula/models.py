"""Stored curricula: one row per version, grouped by a lineage id."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONDocument, utcnow
from app.providers.models import TrainingProvider
from app.standards.models import Standard


class CurriculumStatus(StrEnum):
    """Life cycle: an optional draft (the provider's alone, never reviewed), then submitted,
    then approved or rejected; a rejected one may be resubmitted."""

    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"


class Curriculum(Base):
    """A provider's curriculum for one standard version, with its computed coverage."""

    __tablename__ = "curriculum"
    __table_args__ = (
        UniqueConstraint("lineage_id", "version", name="uq_curriculum_lineage_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lineage_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int]
    provider_id: Mapped[int] = mapped_column(ForeignKey("training_provider.id"), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), index=True)
    modules: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    coverage: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    total_hours: Mapped[int]
    review_reasons: Mapped[list[str] | None] = mapped_column(JSONDocument)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    provider: Mapped[TrainingProvider] = relationship()
    standard: Mapped[Standard] = relationship()
