"""Signing-key schemas: public metadata only, never private material."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.keys.models import KeyAlgorithm, KeyPurpose, KeyStatus


class SigningKeyRead(BaseModel):
    """A signing key as staff see it."""

    model_config = ConfigDict(from_attributes=True)

    kid: str
    verification_method: str = ""
    public_key_multibase: str
    algorithm: KeyAlgorithm
    purpose: KeyPurpose
    status: KeyStatus
    created_at: datetime
    activated_at: datetime | None
    deactivated_at: datetime | None
    retired_at: datetime | None
    retired_reason: str | None


class KeyRetire(BaseModel):
    """Why a key is withdrawn."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=1000)
