"""Staff user administration and `GET /api/v1/auth/me`."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.auth.dependencies import AdminUser, AnyPrincipal
from app.db import SessionDep
from app.routing import ProblemRoute
from app.users import service
from app.users.models import StaffUser
from app.users.schemas import PrincipalRead, StaffUserCreate, StaffUserRead

router = APIRouter(tags=["users"], route_class=ProblemRoute)


@router.get("/api/v1/auth/me", response_model=PrincipalRead)
def read_me(principal: AnyPrincipal) -> PrincipalRead:
    """The identity and role behind the presented access token."""
    return PrincipalRead(
        subject=principal.subject,
        role=principal.role,
        name=principal.name,
        provider_id=principal.provider_id,
    )


@router.get("/api/v1/admin/users", response_model=list[StaffUserRead])
def list_users(session: SessionDep, _admin: AdminUser) -> list[StaffUser]:
    """All staff users, by username."""
    return service.list_users(session)


@router.post(
    "/api/v1/admin/users", response_model=StaffUserRead, status_code=status.HTTP_201_CREATED
)
def create_user(session: SessionDep, _admin: AdminUser, body: StaffUserCreate) -> StaffUser:
    """Create a staff user (admin only)."""
    return service.create_user(
        session,
        username=body.username,
        password=body.password.get_secret_value(),
        role=body.role,
    )
