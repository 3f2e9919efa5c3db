"""Curricula: the provider's own (submit, revise, read) and the staff review queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.auth.dependencies import ProviderClient, StaffReader, StaffWriter
from app.auth.roles import Principal
from app.curricula import service
from app.curricula.models import CurriculumStatus
from app.curricula.responses import (
    CurriculumPage,
    CurriculumRead,
    CurriculumRejection,
    curriculum_read,
)
from app.curricula.schemas import CurriculumCreate
from app.db import SessionDep, utcnow
from app.fields import Country, DbId
from app.routing import ProblemRoute

provider_router = APIRouter(
    prefix="/api/v1/provider/curricula", tags=["provider curricula"], route_class=ProblemRoute
)
admin_router = APIRouter(
    prefix="/api/v1/admin/curricula", tags=["curricula review"], route_class=ProblemRoute
)

PageNumber = Annotated[int, Query(ge=1, le=10_000)]
PerPage = Annotated[int, Query(ge=1, le=100)]


def _provider_id(principal: Principal) -> int:
    return principal.require_provider_id()


def _page(result: service.CurriculumPage, page: int, per_page: int) -> CurriculumPage:
    return CurriculumPage(
        items=[curriculum_read(c) for c in result.items],
        page=page,
        per_page=per_page,
        total=result.total,
    )


@provider_router.post("", response_model=CurriculumRead, status_code=status.HTTP_201_CREATED)
def submit_curriculum(
    body: CurriculumCreate, session: SessionDep, principal: ProviderClient
) -> CurriculumRead:
    """Submit a curriculum for review; the response carries its coverage report and gaps."""
    curriculum = service.submit_curriculum(
        session, provider_id=_provider_id(principal), data=body, now=utcnow(), actor=principal
    )
    return curriculum_read(curriculum)


@provider_router.get("", response_model=CurriculumPage)
def list_own_curricula(
    session: SessionDep,
    principal: ProviderClient,
    status_: Annotated[CurriculumStatus | None, Query(alias="status")] = None,
    page: PageNumber = 1,
    per_page: PerPage = 20,
) -> CurriculumPage:
    """The calling provider's curricula, newest first."""
    result = service.list_curricula(
        session,
        provider_id=_provider_id(principal),
        status=status_,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    return _page(result, page, per_page)


@provider_router.get("/{curriculum_id}", response_model=CurriculumRead)
def read_own_curriculum(
    curriculum_id: DbId, session: SessionDep, principal: ProviderClient
) -> CurriculumRead:
    """One of the calling provider's curricula (404 for anyone else's)."""
    curriculum = service.get_curriculum(
        session, curriculum_id=curriculum_id, provider_id=_provider_id(principal)
    )
    return curriculum_read(curriculum)


@provider_router.put("/{curriculum_id}", response_model=CurriculumRead)
def revise_curriculum(
    curriculum_id: DbId, body: CurriculumCreate, session: SessionDep, principal: ProviderClient
) -> CurriculumRead:
    """Revise a curriculum and resubmit it; an approved one becomes a new version."""
    curriculum = service.revise_curriculum(
        session,
        curriculum_id=curriculum_id,
        provider_id=_provider_id(principal),
        data=body,
        now=utcnow(),
        actor=principal,
    )
    return curriculum_read(curriculum)


@admin_router.get("", response_model=CurriculumPage)
def review_queue(
    session: SessionDep,
    _staff: StaffReader,
    status_: Annotated[CurriculumStatus | None, Query(alias="status")] = None,
    country: Country | None = None,
    page: PageNumber = 1,
    per_page: PerPage = 20,
) -> CurriculumPage:
    """Curricula by status (`submitted` is the review queue) and provider country."""
    result = service.list_curricula(
        session, status=status_, country=country, offset=(page - 1) * per_page, limit=per_page
    )
    return _page(result, page, per_page)


@admin_router.get("/{curriculum_id}", response_model=CurriculumRead)
def read_curriculum(
    curriculum_id: DbId, session: SessionDep, _staff: StaffReader
) -> CurriculumRead:
    """One curriculum with its coverage report."""
    return curriculum_read(service.get_curriculum(session, curriculum_id=curriculum_id))


@admin_router.post("/{curriculum_id}/approve", response_model=CurriculumRead)
def approve_curriculum(
    curriculum_id: DbId, session: SessionDep, staff: StaffWriter
) -> CurriculumRead:
    """Approve a curriculum; refused (409, gaps listed) unless it fully covers the standard."""
    curriculum = service.approve_curriculum(
        session, curriculum_id=curriculum_id, reviewer=staff.name, now=utcnow(), actor=staff
    )
    return curriculum_read(curriculum)


@admin_router.post("/{curriculum_id}/reject", response_model=CurriculumRead)
def reject_curriculum(
    curriculum_id: DbId, body: CurriculumRejection, session: SessionDep, staff: StaffWriter
) -> CurriculumRead:
    """Reject a curriculum with reasons."""
    curriculum = service.reject_curriculum(
        session,
        curriculum_id=curriculum_id,
        reviewer=staff.name,
        reasons=body.reasons,
        now=utcnow(),
        actor=staff,
    )
    return curriculum_read(curriculum)
