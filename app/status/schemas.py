"""Status change requests and results (single credential and bulk)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.credentials.models import CredentialStatus
from app.fields import ISO_8601, DbId

MAX_CREDENTIALS_PER_CHANGE = 10_000

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
CredentialId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=36)]


class StatusAction(StrEnum):
    """A change of credential status: revocation is permanent, suspension reversible."""

    revoke = "revoke"
    suspend = "suspend"
    reinstate = "reinstate"

    @property
    def needs_reason(self) -> bool:
        """Revocation and suspension are explained; a reinstatement may be."""
        return self is not StatusAction.reinstate


class StatusReason(BaseModel):
    """Why a credential is revoked or suspended (shown to staff, never published)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason


class OptionalStatusReason(BaseModel):
    """Why a suspended credential is reinstated, if staff want to say."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = None


class CredentialFilter(BaseModel):
    """Which credentials a bulk change applies to; criteria combine with AND.

    `issued_from` is inclusive and `issued_to` exclusive, so consecutive ranges never overlap.
    """

    model_config = ConfigDict(extra="forbid")

    provider_id: DbId | None = None
    standard_code: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None
    ) = None
    issued_from: Annotated[AwareDatetime, ISO_8601] | None = None
    issued_to: Annotated[AwareDatetime, ISO_8601] | None = None
    status: CredentialStatus | None = None

    @model_validator(mode="after")
    def _narrow(self) -> Self:
        if all(
            value is None
            for value in (
                self.provider_id,
                self.standard_code,
                self.issued_from,
                self.issued_to,
                self.status,
            )
        ):
            raise ValueError("a filter needs at least one criterion")
        if self.issued_from and self.issued_to and self.issued_from >= self.issued_to:
            raise ValueError("issued_from must be before issued_to")
        return self


class StatusChangeBulk(BaseModel):
    """One action on many credentials, named by id or selected by a filter (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    action: StatusAction
    reason: Reason | None = Field(default=None, description="Required to revoke or suspend")
    credential_ids: (
        Annotated[list[CredentialId], Field(min_length=1, max_length=MAX_CREDENTIALS_PER_CHANGE)]
        | None
    ) = None
    filter: CredentialFilter | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> Self:
        if (self.credential_ids is None) == (self.filter is None):
            raise ValueError("give exactly one of credential_ids and filter")
        if self.action.needs_reason and self.reason is None:
            raise ValueError(f"a reason is required to {self.action.value}")
        return self


class SkippedCredential(BaseModel):
    """A credential the change left alone, and why (a problem type slug)."""

    id: str
    reason: str


class StatusChangeRead(BaseModel):
    """What a bulk change did."""

    model_config = ConfigDict(from_attributes=True)

    action: StatusAction
    changed: list[str]
    skipped: list[SkippedCredential]
    lists_republished: list[str] = Field(description="URLs of the status lists signed anew")


class CredentialStatusRead(BaseModel):
    """A credential's status after a change."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    status: CredentialStatus
    status_reason: str | None
    status_changed_at: datetime | None
    lists_republished: list[str] = Field(description="URLs of the status lists signed anew")
