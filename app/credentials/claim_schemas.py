"""The JSON answer of a claim link (`GET /api/v1/claims/{token}`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ClaimRead(BaseModel):
    """A claimed credential in both securing mechanisms, with the worker's links.

    The claim secret is spent by this answer: keep `holder_url`, which is the only way
    back to these files (it can be replaced from the page it opens).
    """

    credential_id: str
    claimed_at: datetime
    credential: dict[str, Any] = Field(description="The Data Integrity credential (application/vc)")
    jwt: str = Field(description="The same credential as a compact vc+jwt")
    holder_url: str = Field(description="The worker's personal page; keep it private")
    verify_url: str = Field(description="The public verification page, to share")
