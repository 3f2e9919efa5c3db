"""API schemas of presentation requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Country, Language
from app.presentations.dcql import Claim, Format
from app.standards.enums import Sector


class PresentationRequestCreate(BaseModel):
    """What to ask the worker's wallet for: one standard (by code) or a sector, the claims
    besides the certification itself, and the formats accepted."""

    model_config = ConfigDict(extra="forbid")

    standard_code: str | None = Field(default=None, max_length=64)
    sector: Sector | None = None
    claims: list[Claim] = Field(default_factory=lambda: [Claim.name], max_length=6)
    formats: list[Format] = Field(default_factory=lambda: list(Format), min_length=1, max_length=3)
    language: Language = Language.en
    country: Country | None = Field(default=None, description="The employer's country")


class PresentationRequestRead(BaseModel):
    """A presentation request: what to show the wallet, and once answered, the result.

    `result` (the disclosed claims and every check) is kept until `result_expires_at`; then
    the request is gone (404).
    """

    id: str
    status: str
    created_at: datetime
    expires_at: datetime
    authorization_request: dict[str, Any]
    request_link: str = Field(
        description="The openid4vp:// link with the request by value (for a same-device link)"
    )
    request_uri_link: str = Field(
        description=(
            "The openid4vp:// link naming the request by reference, unsigned (client id "
            "`redirect_uri:`; for wallets that take unsigned Request Objects)"
        )
    )
    signed_request_uri_link: str = Field(
        description=(
            "The openid4vp:// link naming the request by reference, signed (client id "
            "`decentralized_identifier:` and our did:web, `request_uri_method=post`): for a QR "
            "code when request_link is too long for one"
        )
    )
    result: dict[str, Any] | None = None
    result_expires_at: datetime | None = None
