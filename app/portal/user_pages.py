"""The provider's users, for its administrators: who can sign in, invitations, disabling."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import TypeAdapter, ValidationError
from pydantic.networks import EmailStr
from sqlalchemy.orm import Session

from app.audit.dependencies import SessionmakerDep
from app.auth.dependencies import SettingsDep
from app.config import Settings
from app.db import utcnow
from app.deliveries import invitations
from app.deliveries.schedule import deliver_due
from app.fields import DbId, Language
from app.mail.smtp import smtp_config
from app.portal.dependencies import PortalAdminPoster, PortalAdminReader, PortalDb, PortalUser
from app.portal.pages import form_errors, portal_path, render_portal, see_other
from app.portal.routing import PortalRoute
from app.portal.vocabulary import NOTICES
from app.provider_users import service as provider_users_service
from app.provider_users.errors import ProviderUserExists
from app.provider_users.models import ProviderRole
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.page_errors import PageReply

router = APIRouter(route_class=PortalRoute, default_response_class=HTMLResponse)

_EMAIL = TypeAdapter(EmailStr)
USER_NOTICES = ("disabled", "enabled")


def _users_page(
    request: Request,
    db: PortalDb,
    settings: Settings,
    user: PortalUser,
    *,
    language: Language,
    notice: str | None = None,
    notice_values: dict[str, str] | None = None,
    invited_link: str | None = None,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render_portal(
        request,
        "portal/users.html",
        {
            "users": provider_users_service.list_users(db, provider_id=user.provider_id),
            "notice": translate(language, notice, **(notice_values or {})) if notice else None,
            "invited_link": invited_link,
            "sends_mail": smtp_config(settings) is not None,
            "form": form
            or {"email": "", "name": "", "role": "provider_staff", "language": language},
            "errors": errors or {},
            "roles": list(ProviderRole),
        },
        language=language,
        user=user,
        section="users",
        status_code=status_code,
    )


@router.get("/users")
def users(
    request: Request,
    db: PortalDb,
    settings: SettingsDep,
    user: PortalAdminReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """The provider's users and the form to invite another."""
    notice = NOTICES[done] if done in USER_NOTICES else None
    return _users_page(request, db, settings, user, language=language, notice=notice)


@router.post("/users")
def invite(
    request: Request,
    db: PortalDb,
    sessions: SessionmakerDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    user: PortalAdminPoster,
    language: PageLanguage,
    email: Annotated[str, Form(max_length=254)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[ProviderRole, Form()] = ProviderRole.provider_staff,
    mail_language: Annotated[Language, Form(alias="language")] = Language.en,
) -> HTMLResponse:
    """Invite someone to this provider's portal; the page shows their single-use link."""
    page = partial(_users_page, request, db, settings, user, language=language)
    form = {"email": email, "name": name, "role": role.value, "language": mail_language.value}
    problems: dict[str, str] = {}
    if not email.strip():
        problems["email"] = "email"
    else:
        try:
            _EMAIL.validate_python(email.strip())
        except ValidationError:
            problems["email"] = "email-invalid"
    if not name.strip():
        problems["name"] = "name"

    def again(found: dict[str, str]) -> HTMLResponse:
        return page(
            form=form,
            errors=form_errors(language, found),
            status_code=400 if "email" not in found or found["email"] != "user-exists" else 409,
        )

    if problems:
        return again(problems)
    now = utcnow()
    try:
        invitation = provider_users_service.invite(
            db,
            provider_id=user.provider_id,
            email=email,
            name=name,
            role=role,
            language=mail_language,
            actor=user.principal,
            now=now,
        )
    except ProviderUserExists:
        raise PageReply(again({"email": "user-exists"})) from None
    passed = invitations.pass_on(
        db, settings, invitation, requested_by=user.principal.subject, now=now
    )
    if passed.delivery_id is not None:
        background.add_task(deliver_due, sessions, settings, [passed.delivery_id])
        return page(notice=NOTICES["mailed"], notice_values={"email": invitation.user.email})
    return page(notice=NOTICES["invited"], invited_link=passed.link)


@router.post("/users/{user_id}/disable")
def disable(
    request: Request, user_id: DbId, db: PortalDb, user: PortalAdminPoster, language: PageLanguage
) -> Response:
    """Disable one of the provider's users; their sessions end at once."""
    return _set_active(request, db, user, user_id=user_id, active=False, language=language)


@router.post("/users/{user_id}/enable")
def enable(
    request: Request, user_id: DbId, db: PortalDb, user: PortalAdminPoster, language: PageLanguage
) -> Response:
    """Let a disabled user of the provider sign in again."""
    return _set_active(request, db, user, user_id=user_id, active=True, language=language)


def _set_active(
    request: Request,
    db: Session,
    user: PortalUser,
    *,
    user_id: int,
    active: bool,
    language: Language,
) -> Response:
    provider_users_service.set_active(
        db,
        provider_id=user.provider_id,
        user_id=user_id,
        active=active,
        actor=user.principal,
        now=utcnow(),
    )
    done = "enabled" if active else "disabled"
    return see_other(portal_path(request, "/users", language=language, done=done))
