"""Signing in to the portal and out of it (`app.web.sign_in_pages` with provider users'
accounts, by email address, and the portal's words), and accepting an invitation (choosing a
password; a forgotten one is reset in `password_reset_pages`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import Depends, Form, Request
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
from app.provider_users.models import ProviderUser
from app.web.dependencies import PageLanguage
from app.web.sign_in_pages import SessionOwner, SignInPages, render_sign_in_form, sign_in_router

Password = Annotated[str, Form(max_length=1024)]
SIGN_IN_NOTICES = ("signed-out", "expired", "welcome", "password-reset")
MAX_TOKEN: Final = 200
"""Longer link tokens are cut (ours are 43 characters)."""
INVITATION: Final = "portal/invitation.html"


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


def password_problem(password: str, confirmation: str) -> dict[str, str] | None:
    """What is wrong with a chosen password and its confirmation (field to problem), if
    anything."""
    if len(password) < provider_users_service.MIN_PASSWORD_LENGTH:
        return {"password": "password-short"}
    if password != confirmation:
        return {"confirmation": "password-mismatch"}
    return None


def signed_out_form_page(
    request: Request,
    settings: Settings,
    template: str,
    context: Mapping[str, Any],
    *,
    language: Language,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A page whose form is posted before signing in (an invitation, a forgotten password):
    it carries the sign-in page's CSRF token (`render_sign_in_form`), and `errors`."""
    return render_sign_in_form(
        SIGN_IN_PAGES,
        request,
        settings,
        template,
        {"errors": errors or {}, **context},
        language=language,
        status_code=status_code,
    )


@dataclass(frozen=True, slots=True)
class ChosenPassword:
    """A posted form that chooses a password with a single-use link's `token`."""

    request: Request
    token: str
    db: Session
    settings: Settings
    language: Language
    password: str
    confirmation: str

    def page(self, template: str, context: Mapping[str, Any], **shown: Any) -> HTMLResponse:
        """The link's page again (`signed_out_form_page`)."""
        return signed_out_form_page(
            self.request, self.settings, template, context, language=self.language, **shown
        )


def chosen_password(
    request: Request,
    token: str,
    db: PortalDb,
    settings: SettingsDep,
    language: PageLanguage,
    password: Password = "",
    confirmation: Password = "",
) -> ChosenPassword:
    """The posted password form of a link (the token cut to `MAX_TOKEN`)."""
    return ChosenPassword(
        request=request,
        token=token[:MAX_TOKEN],
        db=db,
        settings=settings,
        language=language,
        password=password,
        confirmation=confirmation,
    )


ChosenPasswordForm = Annotated[ChosenPassword, Depends(chosen_password)]


def _invitation_context(
    request: Request, token: str, user: ProviderUser, language: Language
) -> dict[str, str]:
    return {
        "invitee_name": user.name,
        "invitee_email": user.email,
        "action_url": portal_path(request, f"/invitations/{token}", language=language),
    }


@router.get("/invitations/{token}")
def invitation_form(
    request: Request, token: str, db: PortalDb, settings: SettingsDep, language: PageLanguage
) -> Response:
    """The invitee chooses a password (opening the link spends nothing: mail scanners
    open links too)."""
    user = provider_users_service.open_invitation(db, token=token[:MAX_TOKEN], now=utcnow())
    context = _invitation_context(request, token, user, language)
    return signed_out_form_page(request, settings, INVITATION, context, language=language)


@router.post("/invitations/{token}", dependencies=[SignInForm])
def accept_invitation(form: ChosenPasswordForm) -> Response:
    """Set the password and spend the invitation; then sign in with it."""
    now = utcnow()
    user = provider_users_service.open_invitation(form.db, token=form.token, now=now)
    problem = password_problem(form.password, form.confirmation)
    if problem:
        context = _invitation_context(form.request, form.token, user, form.language)
        errors = form_errors(form.language, problem)
        return form.page(INVITATION, context, errors=errors, status_code=400)
    provider_users_service.accept_invitation(
        form.db, token=form.token, password=form.password, now=now
    )
    return see_other(portal_path(form.request, "/login", language=form.language, done="welcome"))
