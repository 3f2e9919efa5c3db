"""Signing in to the portal and out of it (`app.web.sign_in_pages` with provider users'
accounts, by email address, and the portal's words), and accepting an invitation (choosing a
password)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import SettingsDep
from app.config import Settings
from app.db import utcnow
from app.fields import Language
from app.portal import service as portal_service
from app.portal.dependencies import PortalDb, SignInForm, portal_user
from app.portal.pages import form_errors, portal_path, render_portal, see_other
from app.portal.routing import PortalRoute
from app.portal.session import PORTAL
from app.portal.vocabulary import FORM_ERRORS, NOTICES
from app.provider_users import service as provider_users_service
from app.web.dependencies import PageLanguage
from app.web.sign_in_pages import SessionOwner, SignInPages, render_sign_in_form, sign_in_router

Password = Annotated[str, Form(max_length=1024)]
SIGN_IN_NOTICES = ("signed-out", "expired", "welcome")


def _sign_in(db: Session, *, identifier: str, password: str, now: datetime) -> SessionOwner:
    user = portal_service.sign_in(db, email=identifier, password=password, now=now)
    subject = provider_users_service.principal_of(user).subject
    return SessionOwner(subject=subject, role=user.role)


SIGN_IN_PAGES = SignInPages(
    realm=PORTAL,
    route_class=PortalRoute,
    render=render_portal,
    reader=portal_user,
    identifier="email",
    identifier_max_length=254,
    sign_in=_sign_in,
    throttle_account=portal_service.throttle_account,
    failed_sign_in_target=portal_service.failed_sign_in_target,
    form_errors=FORM_ERRORS,
    notices={done: NOTICES[done] for done in SIGN_IN_NOTICES},
)

router = sign_in_router(SIGN_IN_PAGES)


def _invitation_page(
    request: Request,
    settings: Settings,
    *,
    token: str,
    name: str,
    email: str,
    language: Language,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "invitee_name": name,
        "invitee_email": email,
        "errors": errors or {},
        "action_url": portal_path(request, f"/invitations/{token}", language=language),
    }
    return render_sign_in_form(
        SIGN_IN_PAGES,
        request,
        settings,
        "portal/invitation.html",
        context,
        language=language,
        status_code=status_code,
    )


@router.get("/invitations/{token}")
def invitation_form(
    request: Request, token: str, db: PortalDb, settings: SettingsDep, language: PageLanguage
) -> Response:
    """The invitee chooses a password (opening the link spends nothing: mail scanners
    open links too)."""
    user = provider_users_service.open_invitation(db, token=token[:200], now=utcnow())
    return _invitation_page(
        request, settings, token=token, name=user.name, email=user.email, language=language
    )


@router.post("/invitations/{token}", dependencies=[SignInForm])
def accept_invitation(
    request: Request,
    token: str,
    db: PortalDb,
    settings: SettingsDep,
    language: PageLanguage,
    password: Password = "",
    confirmation: Password = "",
) -> Response:
    """Set the password and spend the invitation; then sign in with it."""
    now = utcnow()
    user = provider_users_service.open_invitation(db, token=token[:200], now=now)
    problem = None
    if len(password) < provider_users_service.MIN_PASSWORD_LENGTH:
        problem = {"password": "password-short"}
    elif password != confirmation:
        problem = {"confirmation": "password-mismatch"}
    if problem:
        return _invitation_page(
            request,
            settings,
            token=token,
            name=user.name,
            email=user.email,
            language=language,
            errors=form_errors(language, problem),
            status_code=400,
        )
    provider_users_service.accept_invitation(db, token=token[:200], password=password, now=now)
    return see_other(portal_path(request, "/login", language=language, done="welcome"))
