"""Issuer instance schemas: public facts only (the private key never leaves the key store)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class IssuerInstanceCreate(BaseModel):
    """A new did:key instance; the service makes its key."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="who issues as this instance")


class IssuerInstanceRead(BaseModel):
    """An instance as staff see it, with where to issue as it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    did: str
    verification_method: str
    public_key_multibase: str
    issue_endpoint: str
    created_by: str
    created_at: datetime


class IssuerInstanceList(BaseModel):
    """Every issuer instance, oldest first."""

    items: list[IssuerInstanceRead]
