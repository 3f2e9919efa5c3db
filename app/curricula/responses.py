"""Curriculum responses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from app.curricula.models import Curriculum, CurriculumStatus


class CurriculumRead(BaseModel):
    """A curriculum version with its coverage report."""

    id: int
    lineage_id: str
    version: int
    provider_id: int
    standard_code: str
    standard_version: int
    title: str
    status: CurriculumStatus
    total_hours: int
    modules: list[dict[str, Any]]
    coverage: dict[str, Any]
    review_reasons: list[str] | None
    reviewed_at: datetime | None
    submitted_at: datetime


class CurriculumPage(BaseModel):
    """A page of curricula."""

    items: list[CurriculumRead]
    page: int
    per_page: int
    total: int


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]


class CurriculumRejection(BaseModel):
    """Why staff reject a curriculum."""

    reasons: list[Reason] = Field(min_length=1, max_length=50)


def curriculum_read(curriculum: Curriculum) -> CurriculumRead:
    """The API view of a stored curriculum."""
    return CurriculumRead(
        id=curriculum.id,
        lineage_id=curriculum.lineage_id,
        version=curriculum.version,
        provider_id=curriculum.provider_id,
        standard_code=curriculum.standard.code,
        standard_version=curriculum.standard.version,
        title=curriculum.title,
        status=CurriculumStatus(curriculum.status),
        total_hours=curriculum.total_hours,
        modules=curriculum.modules,
        coverage=curriculum.coverage,
        review_reasons=curriculum.review_reasons,
        reviewed_at=curriculum.reviewed_at,
        submitted_at=curriculum.submitted_at,
    )
