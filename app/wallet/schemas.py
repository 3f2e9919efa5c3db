"""Bodies of the OpenID4VCI endpoints and of the offers API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.fields import StrictBool


class OAuthErrorRead(BaseModel):
    """An OAuth 2.0 / OpenID4VCI error."""

    error: str
    error_description: str | None = None


class TokenRead(BaseModel):
    """The token endpoint's answer (RFC 6749 §5.1)."""

    access_token: str
    token_type: Literal["Bearer", "DPoP"] = "Bearer"  # noqa: S105 - the scheme, not a secret
    expires_in: int


class NonceRead(BaseModel):
    """The nonce endpoint's answer."""

    c_nonce: str


class CredentialRequestRead(BaseModel):
    """A credential request (OpenID4VCI 1.0 §8.2); members the spec adds later are kept."""

    model_config = ConfigDict(extra="allow")

    credential_configuration_id: str | None = Field(default=None, max_length=200)
    credential_identifier: str | None = Field(default=None, max_length=200)
    proofs: dict[str, Any] | None = None


class IssuedCredentialRead(BaseModel):
    """One credential of a credential response."""

    credential: dict[str, Any] | str


class CredentialResponseRead(BaseModel):
    """The credential endpoint's answer."""

    credentials: list[IssuedCredentialRead]


class WalletOfferCreate(BaseModel):
    """Ask for an offer of a credential to a wallet."""

    model_config = ConfigDict(extra="forbid")

    tx_code: StrictBool = Field(
        default=False, description="Protect the offer with a 6-digit PIN, shown once"
    )
    expires_in_minutes: int = Field(default=1440, ge=5, le=43_200)


class WalletOfferRead(BaseModel):
    """An offer just made: its links, and the PIN (once) when asked for."""

    id: str
    credential_id: str
    credential_offer_uri: str
    offer_link: str = Field(description="openid-credential-offer:// link by reference")
    offer_by_value_link: str
    configuration_ids: list[str]
    tx_code: str | None = Field(description="The PIN: give it to the worker separately")
    expires_at: datetime


class BatchWalletOfferRead(WalletOfferRead):
    """A wallet offer for one row of a batch (the row as its claim link names it)."""

    row: int
