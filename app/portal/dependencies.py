"""Request dependencies of the portal: the signed-in provider user, the CSRF check.

A route's signature shows its access policy: `PortalReader` for pages every provider user
may read, `PortalPoster` for forms they may post, `PortalAdminReader` and
`PortalAdminPoster` for the pages and forms of the provider's administrators. Every
dependency yields the user's provider id; pages ask the services for that provider's data
only, so another provider's records are never found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request

from app.auth import service as auth_service
from app.auth.dependencies import SettingsDep
from app.auth.roles import Principal
from app.db import utcnow
from app.portal.session import PORTAL
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderRole
from app.providers import service as providers_service
from app.web import csrf, form_checks, sessions
from app.web.page_errors import LoginRequired, RoleNotAllowed
from app.web.page_route import PageDb, renew_session_later

PortalDb = PageDb
"""The request's database session, which `PortalRoute` rolls back before an error page."""


@dataclass(frozen=True, slots=True)
class PortalUser:
    """The signed-in provider user, as re-read from the database for this request."""

    user_id: int
    provider_id: int
    provider_name: str
    provider_country: str
    name: str
    email: str
    role: ProviderRole
    principal: Principal
    """Who they act as towards the services (a provider principal of their provider)."""
    claims: sessions.PageSession
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        """Whether they manage the provider's users."""
        return self.role is ProviderRole.provider_admin


def portal_user(request: Request, db: PortalDb, settings: SettingsDep) -> PortalUser:
    """The user behind the portal session cookie; `LoginRequired` when there is none, it is
    invalid, expired or signed out, or the account has been disabled or changed since."""
    token = request.cookies.get(PORTAL.session_cookie)
    if not token:
        raise LoginRequired()
    secret = settings.token_secret.get_secret_value()
    now = utcnow()
    try:
        session = sessions.read_session(
            PORTAL, token, secret=secret, issuer=settings.public_base_url, now=now
        )
    except sessions.InvalidSession:
        raise LoginRequired("The session is invalid or has expired.") from None
    user = provider_users_service.load_signed_in(
        db, subject=session.subject, role=session.role, signed_in_at=session.auth_time
    )
    if user is None:
        raise LoginRequired("The account behind this session is no longer active.")
    if auth_service.session_ended(db, sid=session.sid):
        raise LoginRequired("The session was signed out.")
    if session.needs_renewal(now):
        renew_session_later(
            request,
            sessions.issue_session(
                PORTAL,
                subject=session.subject,
                role=session.role,
                secret=secret,
                issuer=settings.public_base_url,
                now=now,
                sid=session.sid,
                auth_time=session.auth_time,
            ),
        )
    provider = providers_service.get_provider(db, provider_id=user.provider_id)
    return PortalUser(
        user_id=user.id,
        provider_id=provider.id,
        provider_name=provider.name,
        provider_country=provider.country,
        name=user.name,
        email=user.email,
        role=ProviderRole(user.role),
        principal=provider_users_service.principal_of(user),
        claims=session,
        csrf_token=csrf.session_token(secret, session.sid),
    )


PortalReader = Annotated[PortalUser, Depends(portal_user)]


def optional_portal_user(
    request: Request, db: PortalDb, settings: SettingsDep
) -> PortalUser | None:
    """The signed-in user if there is one (the sign-in page sends them on)."""
    try:
        return portal_user(request, db, settings)
    except LoginRequired:
        return None


MaybePortalUser = Annotated[PortalUser | None, Depends(optional_portal_user)]


def posted_form(
    request: Request,
    settings: SettingsDep,
    user: PortalReader,
    csrf_token: Annotated[str | None, Form(alias=csrf.FIELD, max_length=200)] = None,
) -> PortalUser:
    """The user who posted a form carrying this session's CSRF token, from our origin."""
    form_checks.check_session_form(
        request,
        public_base_url=settings.public_base_url,
        expected=user.csrf_token,
        submitted=csrf_token,
    )
    return user


PortalPoster = Annotated[PortalUser, Depends(posted_form)]


def posted_sign_in_form(
    request: Request,
    settings: SettingsDep,
    csrf_token: Annotated[str | None, Form(alias=csrf.FIELD, max_length=200)] = None,
) -> None:
    """Refuse a sign-in form from another origin or without its token (`form_checks`)."""
    form_checks.check_sign_in_form(
        request,
        PORTAL,
        secret=settings.token_secret.get_secret_value(),
        public_base_url=settings.public_base_url,
        submitted=csrf_token,
    )


SignInForm = Depends(posted_sign_in_form)


def _admin_only(user: PortalUser) -> PortalUser:
    if not user.is_admin:
        raise RoleNotAllowed("This needs the provider administrator role.")
    return user


def admin_reader(user: PortalReader) -> PortalUser:
    """A provider administrator reading a page."""
    return _admin_only(user)


def admin_poster(user: PortalPoster) -> PortalUser:
    """A provider administrator posting a form (checked after the CSRF token)."""
    return _admin_only(user)


PortalAdminReader = Annotated[PortalUser, Depends(admin_reader)]
PortalAdminPoster = Annotated[PortalUser, Depends(admin_poster)]
