"""Staff administration of provider users: invite a provider's first admin, list them."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.auth.dependencies import SettingsDep, StaffReader, StaffWriter
from app.db import SessionDep, utcnow
from app.fields import DbId
from app.links import invitation_url
from app.provider_users import service
from app.provider_users.models import ProviderUser
from app.provider_users.schemas import ProviderUserInvite, ProviderUserInvited, ProviderUserRead
from app.providers import service as providers_service
from app.routing import ProblemRoute

admin_router = APIRouter(
    prefix="/api/v1/admin/providers", tags=["providers admin"], route_class=ProblemRoute
)


@admin_router.get("/{provider_id}/users", response_model=list[ProviderUserRead])
def list_provider_users(
    provider_id: DbId, session: SessionDep, _staff: StaffReader
) -> list[ProviderUser]:
    """The people who sign in to a provider's portal."""
    providers_service.get_provider(session, provider_id=provider_id)
    return service.list_users(session, provider_id=provider_id)


@admin_router.post(
    "/{provider_id}/users",
    response_model=ProviderUserInvited,
    status_code=status.HTTP_201_CREATED,
)
def invite_provider_user(
    provider_id: DbId,
    body: ProviderUserInvite,
    session: SessionDep,
    settings: SettingsDep,
    staff: StaffWriter,
) -> ProviderUserInvited:
    """Invite someone (usually the provider's first admin) to the provider portal; the
    single-use link lets them choose a password within seven days."""
    invitation = service.invite(
        session,
        provider_id=provider_id,
        email=str(body.email),
        name=body.name,
        role=body.role,
        language=body.language,
        actor=staff,
        now=utcnow(),
    )
    return ProviderUserInvited(
        **ProviderUserRead.model_validate(invitation.user).model_dump(),
        invitation_url=invitation_url(settings.public_base_url, invitation.token),
        invitation_expires_at=invitation.expires_at,
    )
