"""A forgotten portal password (`app.provider_users.password_resets`): the form that asks
for a link by email, and the link's form that sets a new password.

Both forms are sign-in forms (the sign-in page's CSRF token, our origin only). Asking for a
link answers the same whether or not the address has an account, and is throttled with
the sign-in throttle: every request counts as a failure against the address asked for and
the client's address (a key that must then wait is audited as `auth.throttled`), so the
form can neither guess accounts nor flood anyone's mailbox.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import TypeAdapter, ValidationError
from pydantic.networks import EmailStr

from app.audit.dependencies import SessionmakerDep
from app.auth import login as auth_login
from app.auth.dependencies import ClientAddressDep, LoginThrottleDep, SettingsDep
from app.auth.throttle import LoginThrottled
from app.config import Settings
from app.db import utcnow
from app.deliveries import service as deliveries_service
from app.deliveries.schedule import deliver_due
from app.fields import Language
from app.mail.smtp import smtp_config
from app.portal.auth_pages import (
    MAX_TOKEN,
    ChosenPasswordForm,
    password_problem,
    signed_out_form_page,
)
from app.portal.dependencies import PortalDb, SignInForm
from app.portal.pages import form_errors, portal_path, see_other
from app.portal.routing import PortalRoute
from app.portal.vocabulary import NOTICES
from app.provider_users import password_resets
from app.provider_users.service import normalize_email
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate

router = APIRouter(
    prefix="/password-reset", route_class=PortalRoute, default_response_class=HTMLResponse
)

_EMAIL = TypeAdapter(EmailStr)
CHOOSE_PAGE: Final = "portal/password_reset_new.html"


def _request_page(
    request: Request,
    settings: Settings,
    *,
    language: Language,
    email: str = "",
    sent: bool = False,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "action_url": portal_path(request, "/password-reset", language=language),
        "sends_mail": smtp_config(settings) is not None,
        "email": email,
        "notice": translate(language, NOTICES["reset-sent"]) if sent else None,
    }
    return signed_out_form_page(
        request,
        settings,
        "portal/password_reset.html",
        context,
        language=language,
        errors=errors,
        status_code=status_code,
    )


@router.get("")
def reset_form(request: Request, settings: SettingsDep, language: PageLanguage) -> HTMLResponse:
    """Ask for a link to choose a new password."""
    return _request_page(request, settings, language=language)


@router.post("", dependencies=[SignInForm])
def request_reset(
    request: Request,
    db: PortalDb,
    settings: SettingsDep,
    sessions: SessionmakerDep,
    background: BackgroundTasks,
    throttle: LoginThrottleDep,
    client_address: ClientAddressDep,
    language: PageLanguage,
    email: Annotated[str, Form(max_length=254)] = "",
) -> HTMLResponse:
    """Mail a reset link to the address if it has an account; the answer is the same
    either way."""
    address = email.strip()
    page = _request_page
    problem = "email" if not address else None
    if problem is None:
        try:
            _EMAIL.validate_python(address)
        except ValidationError:
            problem = "email-invalid"
    if problem is not None:
        errors = form_errors(language, {"email": problem})
        return page(
            request, settings, language=language, email=address, errors=errors, status_code=400
        )
    account = f"portal-reset:{normalize_email(address)}"
    try:
        throttle.check(account=account, address=client_address)
    except LoginThrottled as throttled:
        errors = form_errors(language, {"email": "reset-throttled"})
        refused = page(
            request, settings, language=language, email=address, errors=errors, status_code=429
        )
        refused.headers["Retry-After"] = str(throttled.retry_after)
        return refused
    now = utcnow()
    auth_login.count_failure(
        throttle,
        sessions,
        account=account,
        address=client_address,
        target_type=password_resets.TARGET,
        now=now,
    )
    if smtp_config(settings) is not None:
        user = password_resets.account_for_reset(db, email=address, now=now)
        if user is not None:
            delivery = deliveries_service.queue_password_reset(db, user=user, now=now)
            background.add_task(deliver_due, sessions, settings, [delivery.id])
    return page(request, settings, language=language, sent=True)


def _new_password_context(
    request: Request, token: str, email: str, language: Language
) -> dict[str, str]:
    return {
        "action_url": portal_path(request, f"/password-reset/{token}", language=language),
        "email": email,
    }


@router.get("/{token}")
def new_password_form(
    request: Request, token: str, db: PortalDb, settings: SettingsDep, language: PageLanguage
) -> Response:
    """Choose a new password (opening the link spends nothing: mail scanners open links
    too)."""
    user = password_resets.open_link(db, token=token[:MAX_TOKEN], now=utcnow())
    context = _new_password_context(request, token[:MAX_TOKEN], user.email, language)
    return signed_out_form_page(request, settings, CHOOSE_PAGE, context, language=language)


@router.post("/{token}", dependencies=[SignInForm])
def set_new_password(form: ChosenPasswordForm) -> Response:
    """Set the new password and spend the link; the user's other sessions end. Then sign
    in with it."""
    now = utcnow()
    user = password_resets.open_link(form.db, token=form.token, now=now)
    problem = password_problem(form.password, form.confirmation)
    if problem:
        context = _new_password_context(form.request, form.token, user.email, form.language)
        errors = form_errors(form.language, problem)
        return form.page(CHOOSE_PAGE, context, errors=errors, status_code=400)
    password_resets.reset_password(form.db, token=form.token, password=form.password, now=now)
    done = portal_path(form.request, "/login", language=form.language, done="password-reset")
    return see_other(done)
