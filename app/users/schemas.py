"""Staff user request and response schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from app.auth.roles import Role
from app.fields import StrictBool


class StaffUserCreate(BaseModel):
    """A new staff user."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=r"^[a-zA-Z0-9_.@-]+$")
    password: SecretStr = Field(min_length=12, max_length=1024)
    role: Role


class StaffUserUpdate(BaseModel):
    """A change of role and/or active flag; at least one of them."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: StrictBool | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> StaffUserUpdate:
        if self.role is None and self.is_active is None:
            raise ValueError("give a role, is_active, or both")
        return self


class PasswordReset(BaseModel):
    """A new password; leave it out to have the service generate one."""

    model_config = ConfigDict(extra="forbid")

    password: SecretStr | None = Field(default=None, min_length=12, max_length=1024)


class StaffUserRead(BaseModel):
    """A staff user as the admin API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: Role
    is_active: bool
    created_at: datetime


class PasswordResetRead(BaseModel):
    """The user whose password was reset, and the generated password (shown only once)."""

    user: StaffUserRead
    generated_password: str | None = None


class PrincipalRead(BaseModel):
    """Who the current access token belongs to."""

    subject: str
    role: Role
    name: str
    provider_id: int | None = None
