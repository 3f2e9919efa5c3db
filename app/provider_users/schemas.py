"""Provider user request and response schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.fields import Language
from app.provider_users.models import ProviderRole


class ProviderUserInvite(BaseModel):
    """Someone to invite to a provider's portal."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    role: ProviderRole = ProviderRole.provider_admin
    language: Language = Field(description="The language of the invitation and of later mail")


class ProviderUserRead(BaseModel):
    """A provider user as the admin API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    provider_id: int
    email: str
    name: str
    role: ProviderRole
    language: Language
    is_active: bool
    created_at: datetime


class ProviderUserInvited(ProviderUserRead):
    """The invited user and, when the service sends no mail, their invitation link (shown
    only now: pass it on). When it sends mail, the link goes to them by mail only."""

    invitation_url: str | None
    invitation_expires_at: datetime
    invitation_mailed: bool
