"""Staff user administration and `GET /api/v1/auth/me`."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.auth.dependencies import AdminUser, AnyPrincipal
from app.db import SessionDep, utcnow
from app.fields import DbId
from app.routing import ProblemRoute
from app.users import service
from app.users.models import StaffUser
from app.users.schemas import (
    PasswordReset,
    PasswordResetRead,
    PrincipalRead,
    StaffUserCreate,
    StaffUserRead,
    StaffUserUpdate,
)

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
def create_user(session: SessionDep, admin: AdminUser, body: StaffUserCreate) -> StaffUser:
    """Create a staff user (admin only)."""
    return service.create_user(
        session,
        username=body.username,
        password=body.password.get_secret_value(),
        role=body.role,
        actor=admin,
        now=utcnow(),
    )


@router.get("/api/v1/admin/users/{user_id}", response_model=StaffUserRead)
def read_user(user_id: DbId, session: SessionDep, _admin: AdminUser) -> StaffUser:
    """One staff user."""
    return service.get_user(session, user_id=user_id)


@router.patch("/api/v1/admin/users/{user_id}", response_model=StaffUserRead)
def update_user(
    user_id: DbId, body: StaffUserUpdate, session: SessionDep, admin: AdminUser
) -> StaffUser:
    """Change a user's role and/or active flag; effective on the user's next request.
    Admins cannot demote or disable themselves, nor the last active admin (409)."""
    return service.update_user(
        session,
        user_id=user_id,
        role=body.role,
        is_active=body.is_active,
        actor=admin,
        now=utcnow(),
    )


@router.post("/api/v1/admin/users/{user_id}/disable", response_model=StaffUserRead)
def disable_user(user_id: DbId, session: SessionDep, admin: AdminUser) -> StaffUser:
    """Disable a user: their access tokens get 401 from their next request on."""
    return service.set_active(session, user_id=user_id, active=False, actor=admin, now=utcnow())


@router.post("/api/v1/admin/users/{user_id}/enable", response_model=StaffUserRead)
def enable_user(user_id: DbId, session: SessionDep, admin: AdminUser) -> StaffUser:
    """Enable a disabled user again."""
    return service.set_active(session, user_id=user_id, active=True, actor=admin, now=utcnow())


@router.post("/api/v1/admin/users/{user_id}/reset-password", response_model=PasswordResetRead)
def reset_password(
    user_id: DbId,
    session: SessionDep,
    admin: AdminUser,
    response: Response,
    body: PasswordReset | None = None,
) -> PasswordResetRead:
    """Set a user's password; with no `password`, a random one is generated and returned
    once in `generated_password` (the response is never cached)."""
    password = body.password.get_secret_value() if body and body.password else None
    user, generated = service.reset_password(
        session, user_id=user_id, password=password, actor=admin, now=utcnow()
    )
    response.headers["Cache-Control"] = "no-store"
    return PasswordResetRead(user=StaffUserRead.model_validate(user), generated_password=generated)
