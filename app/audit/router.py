"""Admin API of the audit log: list and filter events, verify the chain, signed checkpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.audit import checkpoints, service, verification
from app.audit.dependencies import AuditReader, CheckpointSignerDep
from app.audit.models import AuditCheckpoint
from app.audit.schemas import (
    AuditCheckpointPage,
    AuditCheckpointRead,
    AuditEventPage,
    AuditEventRead,
    ChainReportRead,
    CheckpointSubmit,
    CheckpointVerificationRead,
)
from app.auth.dependencies import AdminUser, SettingsDep
from app.db import SessionDep, utcnow
from app.fields import UtcDateTime
from app.routing import ProblemRoute

router = APIRouter(prefix="/api/v1/admin/audit", tags=["audit"], route_class=ProblemRoute)

Page = Annotated[int, Query(ge=1, le=100_000)]
PerPage = Annotated[int, Query(ge=1, le=200)]


def _checkpoint(checkpoint: AuditCheckpoint) -> AuditCheckpointRead:
    return AuditCheckpointRead(
        id=checkpoint.id,
        seq=checkpoint.seq,
        head_hash=checkpoint.head_hash,
        created_at=checkpoint.created_at,
        jwt=checkpoints.checkpoint_jwt(checkpoint),
    )


@router.get("", response_model=AuditEventPage)
def list_events(
    session: SessionDep,
    _reader: AuditReader,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    target_type: Annotated[str | None, Query(max_length=32)] = None,
    target_id: Annotated[str | None, Query(max_length=100)] = None,
    occurred_from: Annotated[UtcDateTime | None, Query(alias="from")] = None,
    occurred_to: Annotated[UtcDateTime | None, Query(alias="to")] = None,
    page: Page = 1,
    per_page: PerPage = 50,
) -> AuditEventPage:
    """Audit events, newest first, filtered by actor, action, target and time
    (`from` inclusive, `to` exclusive). Admins and auditors."""
    result = service.list_events(
        session,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    return AuditEventPage(
        items=[AuditEventRead.model_validate(event) for event in result.items],
        page=page,
        per_page=per_page,
        total=result.total,
    )


@router.get("/verify", response_model=ChainReportRead)
def verify_chain(session: SessionDep, _reader: AuditReader) -> ChainReportRead:
    """Re-compute the whole hash chain; `ok: false` names the first broken link."""
    return ChainReportRead.model_validate(verification.verify_chain(session))


@router.post(
    "/checkpoints", response_model=AuditCheckpointRead, status_code=status.HTTP_201_CREATED
)
def create_checkpoint(
    session: SessionDep, admin: AdminUser, signer: CheckpointSignerDep
) -> AuditCheckpointRead:
    """Sign the current chain head with the issuer key; export the `jwt` and keep it
    outside this database."""
    checkpoint = checkpoints.create_checkpoint(session, signer=signer, now=utcnow(), actor=admin)
    return _checkpoint(checkpoint)


@router.get("/checkpoints", response_model=AuditCheckpointPage)
def list_checkpoints(
    session: SessionDep, _reader: AuditReader, page: Page = 1, per_page: PerPage = 50
) -> AuditCheckpointPage:
    """Signed checkpoints, newest first, ready for export."""
    result = checkpoints.list_checkpoints(session, offset=(page - 1) * per_page, limit=per_page)
    return AuditCheckpointPage(
        items=[_checkpoint(checkpoint) for checkpoint in result.items],
        page=page,
        per_page=per_page,
        total=result.total,
    )


@router.post("/checkpoints/verify", response_model=CheckpointVerificationRead)
def verify_checkpoint(
    body: CheckpointSubmit, session: SessionDep, settings: SettingsDep, _reader: AuditReader
) -> CheckpointVerificationRead:
    """Check an exported checkpoint: its signature against the issuer's published keys,
    then that the stored chain still has its hash at its sequence number."""
    result = checkpoints.verify_checkpoint(session, token=body.jwt, settings=settings)
    return CheckpointVerificationRead.model_validate(result)
