"""Issuance requests and responses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AnyUrl,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

from app.fields import SIGNABLE, DbId, IsoDate, IsoDateTime
from app.standards.codes import ItemCode, StandardCode

# Recipient and evidence text is signed: no control characters (see app.fields).
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), SIGNABLE
]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SIGNABLE
]
Did = Annotated[
    str, StringConstraints(pattern=r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$", max_length=500)
]


class RecipientIn(BaseModel):
    """The worker who earned the credential."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName
    email: EmailStr = Field(description="Hashed with a salt in the credential, never shown")
    did: Did | None = Field(default=None, description="Optional holder DID")


class EvidenceIn(BaseModel):
    """One piece of evidence from the assessment record."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName
    narrative: Text | None = None
    url: AnyUrl | None = None
    genre: Annotated[str, StringConstraints(max_length=100), SIGNABLE] | None = None


class AssessmentIn(BaseModel):
    """The assessment the worker passed."""

    model_config = ConfigDict(extra="forbid")

    completed_on: IsoDate
    score_percent: float | None = Field(default=None, ge=0, le=100)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)
    electives: list[ItemCode] = Field(
        default_factory=list,
        max_length=20,
        description=(
            "The elective units the worker passed (codes such as `SEMI-U05`); when none are "
            "named, the electives their approved curriculum covers"
        ),
    )


class CredentialIssue(BaseModel):
    """A request to issue one credential.

    Providers name their approved curriculum; staff may instead name a published standard
    (e.g. for a challenge exam taken without a curriculum).
    """

    model_config = ConfigDict(extra="forbid")

    curriculum_id: DbId | None = None
    standard_code: StandardCode | None = None
    standard_version: DbId | None = None
    recipient: RecipientIn
    assessment: AssessmentIn
    valid_from: IsoDateTime | None = Field(
        default=None, description="Defaults to the time of issue; must carry a timezone"
    )

    @model_validator(mode="after")
    def _one_source(self) -> CredentialIssue:
        if (self.curriculum_id is None) == (self.standard_code is None):
            raise ValueError("name either curriculum_id or standard_code")
        if self.valid_from is not None and self.valid_from.tzinfo is None:
            raise ValueError("valid_from must carry a timezone")
        return self


class CredentialIssued(BaseModel):
    """An issued credential in both securing mechanisms, with its links."""

    id: str
    status: str
    standard_code: str
    standard_version: int
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime | None
    verify_url: str
    claim_url: str | None = Field(
        default=None, description="Single-use link for the worker; shown only in this response"
    )
    claim_expires_at: datetime | None = None
    credential: dict[str, Any]
    jwt: str


class CredentialSummary(BaseModel):
    """A credential in a listing (no documents)."""

    id: str
    status: str
    standard_code: str
    standard_version: int
    provider_id: int | None
    subject_name: str
    issued_at: datetime
    valid_until: datetime | None
    verify_url: str


class CredentialPage(BaseModel):
    """A page of credentials, newest first. Page through all of them with `after`: pass each
    page's `next_cursor` to get the next one (constant time at any depth); `page` still works
    but reads and skips every earlier row."""

    items: list[CredentialSummary]
    page: int
    per_page: int
    total: int = Field(
        description="How many credentials match, counted up to 1,000; "
        "past that, `total_capped` is true and `total` is 1,000."
    )
    total_capped: bool = Field(
        default=False, description="More credentials match than `total` says."
    )
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `after` to read the next page; null on the last page.",
    )
