"""Staff administration of the portal's users (JSON API): invite a provider's first admin
(by mail when the service sends mail), list a provider's users."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, status

from app.audit.dependencies import SessionmakerDep
from app.auth.dependencies import SettingsDep, StaffReader, StaffWriter
from app.db import SessionDep, utcnow
from app.deliveries import invitations
from app.deliveries.schedule import deliver_due
from app.fields import DbId
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
    sessions: SessionmakerDep,
    settings: SettingsDep,
    staff: StaffWriter,
    background: BackgroundTasks,
) -> ProviderUserInvited:
    """Invite someone (usually the provider's first admin) to the provider portal; the
    single-use link lets them choose a password within seven days. When the service sends
    mail it goes to them in their language, and is not shown here."""
    now = utcnow()
    invitation = service.invite(
        session,
        provider_id=provider_id,
        email=str(body.email),
        name=body.name,
        role=body.role,
        language=body.language,
        actor=staff,
        now=now,
    )
    passed = invitations.pass_on(session, settings, invitation, requested_by=staff.subject, now=now)
    if passed.delivery_id is not None:
        background.add_task(deliver_due, sessions, settings, [passed.delivery_id])
    return ProviderUserInvited(
        **ProviderUserRead.model_validate(invitation.user).model_dump(),
        invitation_url=passed.link,
        invitation_expires_at=invitation.expires_at,
        invitation_mailed=passed.mailed,
    )
