"""Typed role dependencies: a route's signature shows who may call it.

Every request re-reads the principal from the database, so disabling a user or revoking
a client takes effect on the next request, not when the token expires; so does a password
reset or any other change to a staff account, and a client's secret rotation, each of which
ends the tokens issued before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth import service
from app.auth.roles import Principal, Role
from app.auth.throttle import LoginThrottle
from app.auth.tokens import InvalidToken, decode_access_token
from app.client_address import scope_client_address
from app.config import Settings
from app.db import SessionDep
from app.errors import Forbidden, Unauthorized

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_settings_from_app(request: Request) -> Settings:
    """The settings the running app was created with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]


def get_login_throttle(request: Request) -> LoginThrottle:
    """The app's record of failed sign-ins (`app.auth.throttle`)."""
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


def get_client_address(request: Request) -> str:
    """The client's address, as the proxies the app trusts report it."""
    return scope_client_address(request.scope, request.app.state.forwarded_policy)


LoginThrottleDep = Annotated[LoginThrottle, Depends(get_login_throttle)]
ClientAddressDep = Annotated[str, Depends(get_client_address)]


def current_principal(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    """The authenticated caller; 401 for a missing, invalid, expired or stale token."""
    if not token:
        raise Unauthorized("A bearer access token is required.")
    try:
        claims = decode_access_token(
            token,
            secret=settings.token_secret.get_secret_value(),
            issuer=settings.public_base_url,
        )
    except InvalidToken:
        raise Unauthorized("The access token is invalid or expired.") from None
    principal = service.load_principal(
        session, subject=claims.subject, role=claims.role, issued_at=claims.issued_at
    )
    if principal is None:
        raise Unauthorized(
            "The account behind this token is no longer active or has changed; sign in again."
        )
    return principal


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that admits only the given roles (403 for the others)."""

    def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"This action needs one of the roles: {', '.join(roles)}.")
        return principal

    return dependency


AdminUser = Annotated[Principal, Depends(require_roles(Role.admin))]
StaffWriter = Annotated[Principal, Depends(require_roles(Role.admin, Role.registrar))]
StaffReader = Annotated[Principal, Depends(require_roles(Role.admin, Role.registrar, Role.auditor))]
ProviderClient = Annotated[Principal, Depends(require_roles(Role.provider))]
IssuingPrincipal = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.registrar, Role.provider))
]
CredentialReader = Annotated[
    Principal,
    Depends(require_roles(Role.admin, Role.registrar, Role.auditor, Role.provider)),
]
"""Who reads issued credentials: the roles with `credentials:read` (auditors included) and
providers (their own only)."""
AnyPrincipal = Annotated[Principal, Depends(current_principal)]
