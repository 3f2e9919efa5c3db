"""Presentation requests: what an employer asked a wallet for, and, briefly, what came back.

A row lives until its request expires (`expires_at`) or, once answered, until its result
expires (`result_expires_at`); then it is deleted (`service.purge_expired`). Only the
result holds personal data (the disclosed claims); the anonymous verification events of
the mobility report are written apart, with the verification (`app.verification.events`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDocument, utcnow


class RequestStatus(StrEnum):
    """Where a request stands: waiting for the wallet, answered, or declined by the worker."""

    pending = "pending"
    answered = "answered"
    declined = "declined"
    wallet_error = "wallet_error"


class PresentationRequest(Base):
    """One OpenID4VP authorization request (`response_mode=direct_post`), single use.

    `id` is the secret address of the employer's page (never sent to the wallet); `state`
    and `nonce` are sent to the wallet and identify and bind its response.
    """

    __tablename__ = "presentation_request"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    dcql_query: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    standard_code: Mapped[str | None] = mapped_column(String(64))
    sector: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    employer_country: Mapped[str | None] = mapped_column(String(2))
    created_by: Mapped[str | None] = mapped_column(String(100), index=True)
    """The API client that made it (`client:<id>`); None for the public page."""
    same_device: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.pending.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    result_expires_at: Mapped[datetime | None] = mapped_column(index=True)
