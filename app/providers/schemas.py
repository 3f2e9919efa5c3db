"""Training provider and API client schemas."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from app.fields import Country

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class AccreditationStatus(StrEnum):
    """Where a provider stands with the Division."""

    pending = "pending"
    accredited = "accredited"
    suspended = "suspended"


class ProviderRegister(BaseModel):
    """A training provider's registration."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    country: Country
    region: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
    identifier: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)
    ] = Field(description="National registration number (EIN, RFC, business number, …)")
    contact_name: Name
    contact_email: EmailStr


class ProviderRead(BaseModel):
    """A provider as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    country: Country
    region: str
    identifier: str
    contact_name: str
    contact_email: str
    accreditation_status: AccreditationStatus
    status_reason: str | None
    created_at: datetime
    updated_at: datetime


class AccreditationChange(BaseModel):
    """A staff decision on a provider's accreditation."""

    model_config = ConfigDict(extra="forbid")

    status: AccreditationStatus
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None


class ApiClientCreate(BaseModel):
    """A new API client for a provider's system."""

    model_config = ConfigDict(extra="forbid")

    name: Name


class ApiClientRead(BaseModel):
    """An API client, without its secret."""

    model_config = ConfigDict(from_attributes=True)

    client_id: str
    name: str
    is_active: bool
    created_at: datetime
    revoked_at: datetime | None


class ApiClientSecret(ApiClientRead):
    """An API client with its secret: shown once, at creation or rotation."""

    client_secret: str


class ProviderPage(BaseModel):
    """A page of providers."""

    items: list[ProviderRead]
    page: int
    per_page: int
    total: int
