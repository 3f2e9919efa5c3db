"""Status lists: one row per published list, with its allocation counter and signed credential."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDocument, utcnow

MAX_LIST_ID = 2**31 - 1
"""The largest list id a URL may name (ids are 32-bit integers in every backend)."""


class StatusPurpose(StrEnum):
    """What a set bit means: revocation is permanent, suspension reversible; a `token` list
    is an IETF Token Status List of wallet credentials (2 bits: valid, invalid, suspended)."""

    revocation = "revocation"
    suspension = "suspension"
    token = "token"  # noqa: S105 (a purpose, not a secret)


class StatusList(Base):
    """A Bitstring Status List of one purpose, or a Token Status List (purpose `token`).

    Indexes are handed out by an atomic counter and spread over the list by a keyed
    permutation (`permutation_key`), so they look random yet never repeat.
    """

    __tablename__ = "status_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16), index=True)
    size: Mapped[int]
    allocated: Mapped[int] = mapped_column(default=0)
    permutation_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    revision: Mapped[int] = mapped_column(default=0)
    signed_revision: Mapped[int] = mapped_column(default=-1)
    signed_credential: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    signed_token: Mapped[str | None] = mapped_column(Text)
    """A `token` list's signed Status List Token (`statuslist+jwt`)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RequestOutcome(StrEnum):
    """How staff closed a revocation request."""

    revoked = "revoked"
    declined = "declined"


class RevocationRequest(Base):
    """A provider's request that the Division revoke one of its credentials, with a reason.

    It is open until staff decide: they revoke the credential through the usual status
    change (`app.status.service`), which closes the request as `revoked`, or decline it with
    a reason (`declined`); the provider may then ask again, in a new request.
    """

    __tablename__ = "revocation_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credential.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("training_provider.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(100))
    """The subject of the provider user who asked."""
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    """None while open; then a `RequestOutcome` value."""
    decided_by: Mapped[str | None] = mapped_column(String(100))
    """The subject of the staff user who decided (None for a revocation made by a script)."""
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_reason: Mapped[str | None] = mapped_column(Text)
    """Why staff declined (a revocation's reason is the credential's status reason)."""
