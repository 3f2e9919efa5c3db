"""The JSON answers of a claim link: `GET` (a look) and `POST` (the claim) on
`/api/v1/claims/{token}`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class _ClaimCredential(BaseModel):
    """The credential a claim link opens, in both securing mechanisms."""

    credential_id: str
    credential: dict[str, Any] = Field(description="The Data Integrity credential (application/vc)")
    jwt: str = Field(description="The same credential as a compact vc+jwt")
    verify_url: str = Field(description="The public verification page, to share")


class ClaimPreview(_ClaimCredential):
    """The credential behind a claim link that has not been used: looking spends nothing.

    A used or expired link answers 410 instead, so `claimable` is true here; claim with
    `POST` before `claim_expires_at`.
    """

    claimable: bool = Field(description="Whether a POST to this link would claim it now")
    claim_expires_at: datetime = Field(description="The link can be claimed until then")


class ClaimRead(_ClaimCredential):
    """A claimed credential in both securing mechanisms, with the worker's links.

    The claim secret is spent by this answer: keep `holder_url`, which is the only way
    back to these files (it can be replaced from the page it opens).
    """

    claimed_at: datetime
    holder_url: str = Field(description="The worker's personal page; keep it private")
