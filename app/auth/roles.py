"""Roles, the scopes each one grants, and the authenticated principal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Who a principal is: three staff roles and the training-provider API client."""

    admin = "admin"
    registrar = "registrar"
    auditor = "auditor"
    provider = "provider"


STAFF_ROLES = (Role.admin, Role.registrar, Role.auditor)

# What each role may do, as the scopes of its access tokens. The route dependencies in
# `app.auth.dependencies` agree with these: `credentials:read` reads issued credentials
# (`CredentialReader`, auditors included); issuing and batches need `credentials:write`
# or `provider:credentials` (`IssuingPrincipal`).
ROLE_SCOPES: dict[Role, tuple[str, ...]] = {
    Role.admin: (
        "registry:read",
        "registry:write",
        "credentials:read",
        "credentials:write",
        "audit:read",
        "keys:write",
        "users:write",
    ),
    Role.registrar: ("registry:read", "registry:write", "credentials:read", "credentials:write"),
    Role.auditor: ("registry:read", "credentials:read", "audit:read"),
    Role.provider: ("provider:curricula", "provider:credentials"),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a valid access token, as confirmed against the database."""

    subject: str
    role: Role
    name: str
    user_id: int | None = None
    provider_id: int | None = None

    @property
    def is_staff(self) -> bool:
        """Whether this is a Division staff user rather than a provider client."""
        return self.role in STAFF_ROLES

    def require_provider_id(self) -> int:
        """The provider this principal acts for (only provider clients have one)."""
        if self.provider_id is None:
            raise PermissionError(f"{self.subject} does not act for a training provider")
        return self.provider_id
