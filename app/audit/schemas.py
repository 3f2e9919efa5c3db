"""Audit log response schemas, and the body that submits an exported checkpoint."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.audit.chain import EventFields
from app.audit.verification import BreakReason


class AuditEventRead(EventFields):
    """One audit event with its place in the hash chain."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    hash: str


class AuditEventPage(BaseModel):
    """A page of audit events, newest first."""

    items: list[AuditEventRead]
    page: int
    per_page: int
    total: int


class BrokenLinkRead(BaseModel):
    """The first event at which the chain does not verify."""

    model_config = ConfigDict(from_attributes=True)

    seq: int | None
    id: int | None
    reason: BreakReason
    detail: str


class ChainReportRead(BaseModel):
    """The result of re-computing the chain: `ok`, or the first broken link."""

    model_config = ConfigDict(from_attributes=True)

    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    first_broken: BrokenLinkRead | None


class AuditCheckpointRead(BaseModel):
    """A signed checkpoint of the chain head; `jwt` is what to export and keep elsewhere."""

    id: int
    seq: int
    head_hash: str
    created_at: datetime
    jwt: str


class AuditCheckpointPage(BaseModel):
    """A page of checkpoints, newest first."""

    items: list[AuditCheckpointRead]
    page: int
    per_page: int
    total: int


class CheckpointSubmit(BaseModel):
    """An exported checkpoint; only its `jwt` is trusted (other members are ignored, so an
    exported `AuditCheckpointRead` can be posted back as it is)."""

    model_config = ConfigDict(extra="ignore")

    jwt: str = Field(min_length=1, max_length=16_384)


class CheckpointProblemRead(BaseModel):
    """Why a checkpoint does not match."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    detail: str


class CheckpointVerificationRead(BaseModel):
    """Whether an exported checkpoint is genuine and still matches the stored chain."""

    model_config = ConfigDict(from_attributes=True)

    verified: bool
    seq: int | None
    head_hash: str | None
    issued_at: str | None
    verification_method: str | None
    problems: list[CheckpointProblemRead]
