"""Issuer instance schemas: public facts only (the private key never leaves the key store)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class IssuerInstanceCreate(BaseModel):
    """A new instance; the service makes its key."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="who issues as this instance")
    did_method: Literal["key", "web"] = Field(
        default="key",
        description="`key`: a did:key; `web`: a did:web (`did`, or one on this host)",
    )
    did: str | None = Field(
        default=None,
        max_length=200,
        description="did_method web only: another host's did:web (its admins publish the "
        "DID document at did_document_url); left out: one under this host's /instances/",
    )

    @model_validator(mode="after")
    def _did_only_for_web(self) -> IssuerInstanceCreate:
        if self.did is not None and self.did_method != "web":
            raise ValueError("did is given only with did_method web")
        return self


class IssuerInstanceRead(BaseModel):
    """An instance as staff see it, with where to issue as it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    did: str
    verification_method: str
    public_key_multibase: str
    issue_endpoint: str
    did_document_url: str | None = Field(
        default=None,
        description="did:web only: where verifiers fetch its DID document (this service "
        "serves it at /instances/{id}/did.json; another host must publish that document)",
    )
    created_by: str
    created_at: datetime


class IssuerInstanceList(BaseModel):
    """Every issuer instance, oldest first."""

    items: list[IssuerInstanceRead]
