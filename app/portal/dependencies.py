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

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.auth.dependencies import SettingsDep
from app.auth.roles import Principal
from app.fields import Language
from app.portal.session import PORTAL
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderRole, ProviderUser
from app.providers import service as providers_service
from app.providers.time_zones import provider_time_zone
from app.web import session_users, sessions
from app.web.dependencies import PageLanguage
from app.web.page_errors import RoleNotAllowed
from app.web.page_route import PageDb

PortalDb = PageDb
"""The request's database session, which `PortalRoute` rolls back before an error page."""


@dataclass(frozen=True, slots=True)
class PortalUser:
    """The signed-in provider user, as re-read from the database for this request."""

    user_id: int
    provider_id: int
    provider_name: str
    provider_country: str
    time_zone: str
    """The IANA zone the portal shows their times in (their provider's region's)."""
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
    """The provider user behind the portal session cookie (`session_users.signed_in`):
    `LoginRequired` when there is none, or the account has been disabled or changed since."""

    def provider_user(session: sessions.PageSession) -> ProviderUser | None:
        return provider_users_service.load_signed_in(
            db, subject=session.subject, role=session.role, signed_in_at=session.auth_time
        )

    found = session_users.signed_in(request, PORTAL, db=db, settings=settings, load=provider_user)
    user = found.account
    provider = providers_service.get_provider(db, provider_id=user.provider_id)
    return PortalUser(
        user_id=user.id,
        provider_id=provider.id,
        provider_name=provider.name,
        provider_country=provider.country,
        time_zone=provider_time_zone(provider.country, provider.region),
        name=user.name,
        email=user.email,
        role=ProviderRole(user.role),
        principal=provider_users_service.principal_of(user),
        claims=found.session,
        csrf_token=found.csrf_token,
    )


PortalReader = Annotated[PortalUser, Depends(portal_user)]
MaybePortalUser = Annotated[PortalUser | None, Depends(session_users.optional_user(portal_user))]
"""The signed-in user if there is one (the sign-in page sends them on)."""
PortalPoster = Annotated[PortalUser, Depends(session_users.form_poster(portal_user))]
"""The user who posted a form carrying this session's CSRF token, from our origin."""
SignInForm = Depends(session_users.sign_in_form_check(PORTAL))


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


@dataclass(frozen=True, slots=True)
class PortalPage:
    """What a provider user's page opens with: the request, its database session, the
    signed-in user (`PortalReader`) and the page's language."""

    request: Request
    db: Session
    user: PortalUser
    language: Language


def portal_page(
    request: Request, db: PortalDb, user: PortalReader, language: PageLanguage
) -> PortalPage:
    """The opening of a page every provider user may read."""
    return PortalPage(request=request, db=db, user=user, language=language)


PortalPageDep = Annotated[PortalPage, Depends(portal_page)]
