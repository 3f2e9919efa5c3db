"""Staff user request and response schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from app.auth.roles import Role


class StaffUserCreate(BaseModel):
    """A new staff user."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=r"^[a-zA-Z0-9_.@-]+$")
    password: SecretStr = Field(min_length=12, max_length=1024)
    role: Role


class StaffUserRead(BaseModel):
    """A staff user as the admin API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: Role
    is_active: bool
    created_at: datetime


class PrincipalRead(BaseModel):
    """Who the current access token belongs to."""

    subject: str
    role: Role
    name: str
    provider_id: int | None = None
