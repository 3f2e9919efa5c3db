"""Issued credentials (ours and tracked VC API ones), wallet copies, idempotency, batches."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONDocument, utcnow
from app.standards.models import Standard


class CredentialStatus(StrEnum):
    """Where an issued credential stands; mirrored in the status lists."""

    active = "active"
    suspended = "suspended"
    revoked = "revoked"


class Credential(Base):
    """One issued credential, stored in both securing mechanisms."""

    __tablename__ = "credential"
    __table_args__ = (
        UniqueConstraint("revocation_list_id", "revocation_index", name="uq_credential_revocation"),
        UniqueConstraint("suspension_list_id", "suspension_index", name="uq_credential_suspension"),
        UniqueConstraint("batch_id", "batch_row", name="uq_credential_batch_row"),
        Index("ix_credential_provider_issued", "provider_id", "issued_at"),
        # Re-signing a list reads its set bits; the credentials report scans this index
        # alone. PostgreSQL also has `ix_credential_holder_trgm` for the holder-name search
        # (an expression index the migration makes: pg_trgm, and not on SQLite).
        Index("ix_credential_revocation_bits", "revocation_list_id", "status", "revocation_index"),
        Index("ix_credential_suspension_bits", "suspension_list_id", "status", "suspension_index"),
        Index(
            "ix_credential_report",
            "issued_at",
            "standard_id",
            "provider_id",
            "status",
            "valid_until",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"), index=True)
    curriculum_id: Mapped[int | None] = mapped_column(ForeignKey("curriculum.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("training_provider.id"))
    issued_by: Mapped[str] = mapped_column(String(100))
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_email_hash: Mapped[str] = mapped_column(String(100), index=True)
    subject_did: Mapped[str | None] = mapped_column(String(500))
    issued_at: Mapped[datetime] = mapped_column(index=True)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default=CredentialStatus.active)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    status_changed_at: Mapped[datetime | None]
    revocation_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    revocation_index: Mapped[int]
    suspension_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    suspension_index: Mapped[int]
    key_id: Mapped[str] = mapped_column(String(128))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    jwt: Mapped[str] = mapped_column(Text)
    claim_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    claim_expires_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    holder_link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("credential_batch.id"))
    batch_row: Mapped[int | None]

    standard: Mapped[Standard] = relationship()


class WalletCredential(Base):
    """One copy of a credential issued to a wallet (an SD-JWT VC), bound to the holder's key
    and with its own entry in a Token Status List (2 bits: valid, invalid, suspended) that
    mirrors the credential's status."""

    __tablename__ = "wallet_credential"
    __table_args__ = (
        UniqueConstraint("token_list_id", "token_index", name="uq_wallet_credential_token"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credential.id"), index=True)
    format: Mapped[str] = mapped_column(String(32))
    holder_key_thumbprint: Mapped[str] = mapped_column(String(64), index=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[str] = mapped_column(String(128))
    token_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    token_index: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class VcApiCredential(Base):
    """A credential issued through the W3C VC API with entries in our status lists, tracked
    by its id (or `options.credentialId`) so its status can be changed; nothing else of it
    is kept. Its bits are set in the lists like those of our own credentials."""

    __tablename__ = "vc_api_credential"
    __table_args__ = (
        UniqueConstraint(
            "revocation_list_id", "revocation_index", name="uq_vc_api_credential_revocation"
        ),
        UniqueConstraint(
            "suspension_list_id", "suspension_index", name="uq_vc_api_credential_suspension"
        ),
    )

    id: Mapped[str] = mapped_column(String(500), primary_key=True)
    issuer_did: Mapped[str] = mapped_column(String(200))
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), index=True, default=CredentialStatus.active)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    status_changed_at: Mapped[datetime | None]
    revocation_list_id: Mapped[int | None] = mapped_column(ForeignKey("status_list.id"))
    revocation_index: Mapped[int | None]
    suspension_list_id: Mapped[int | None] = mapped_column(ForeignKey("status_list.id"))
    suspension_index: Mapped[int | None]


class IdempotencyRecord(Base):
    """The first response to a request made with an `Idempotency-Key`, replayed on retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("principal", "key", name="uq_idempotency_principal_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    principal: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class BatchStatus(StrEnum):
    """Life cycle of a batch job."""

    queued = "queued"
    running = "running"
    completed = "completed"


class CredentialBatch(Base):
    """A cohort issued as one job, with its progress."""

    __tablename__ = "credential_batch"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    # The role at submission: the runner's audit events name it, whatever happens later.
    requested_by_role: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("training_provider.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    total: Mapped[int]
    done: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None]

    rows: Mapped[list[CredentialBatchRow]] = relationship(
        back_populates="batch", order_by="CredentialBatchRow.row_number"
    )


class RowStatus(StrEnum):
    """Outcome of one batch row."""

    pending = "pending"
    issued = "issued"
    failed = "failed"


class CredentialBatchRow(Base):
    """One requested credential of a batch: its input, then its outcome."""

    __tablename__ = "credential_batch_row"
    __table_args__ = (UniqueConstraint("batch_id", "row_number", name="uq_batch_row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("credential_batch.id"), index=True)
    row_number: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), index=True, default=RowStatus.pending)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)
    credential_id: Mapped[str | None] = mapped_column(String(36))

    batch: Mapped[CredentialBatch] = relationship(back_populates="rows")
