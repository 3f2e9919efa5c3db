"""Signing in to the portal and out of it, and accepting an invitation (choosing a password)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.audit.dependencies import SessionmakerDep
from app.auth import login as auth_login
from app.auth import service as auth_service
from app.auth.dependencies import ClientAddressDep, LoginThrottleDep, SettingsDep
from app.auth.throttle import LoginThrottled
from app.config import Settings
from app.db import utcnow
from app.fields import Language
from app.portal import service as portal_service
from app.portal.dependencies import MaybePortalUser, PortalDb, PortalPoster, SignInForm
from app.portal.pages import form_errors, portal_path, render_portal, safe_next, see_other
from app.portal.routing import PortalRoute
from app.portal.session import PORTAL
from app.portal.vocabulary import NOTICES
from app.provider_users import service as provider_users_service
from app.web import csrf, form_checks, sessions
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate

router = APIRouter(route_class=PortalRoute, default_response_class=HTMLResponse)

Email = Annotated[str, Form(max_length=254)]
Password = Annotated[str, Form(max_length=1024)]
NextPage = Annotated[str | None, Form(alias="next", max_length=2000)]
SIGN_IN_NOTICES = ("signed-out", "expired", "welcome")


def _login_page(
    request: Request,
    settings: Settings,
    *,
    language: Language,
    next_page: str | None,
    email: str = "",
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    nonce = form_checks.login_nonce(request, PORTAL)
    response = render_portal(
        request,
        "portal/login.html",
        {
            "login_csrf": csrf.login_token(settings.token_secret.get_secret_value(), nonce),
            "next_page": next_page,
            "email": email,
            "errors": errors or {},
            "notice": translate(language, notice) if notice else None,
            "action_url": portal_path(request, "/login", language=language),
        },
        language=language,
        user=None,
        status_code=status_code,
    )
    if request.cookies.get(PORTAL.login_cookie) != nonce:
        sessions.set_login_nonce(response, PORTAL, nonce, settings, request)
    return response


@router.get("/login", name="portal_login")
def login_form(
    request: Request,
    settings: SettingsDep,
    language: PageLanguage,
    user: MaybePortalUser,
    next: str | None = None,
    done: str | None = None,
) -> Response:
    """The sign-in form (a signed-in user goes straight on)."""
    next_page = safe_next(request, next)
    if user is not None:
        return see_other(next_page or portal_path(request, language=language))
    notice = NOTICES[done] if done in SIGN_IN_NOTICES else None
    return _login_page(request, settings, language=language, next_page=next_page, notice=notice)


@router.post("/login", dependencies=[SignInForm])
def login(
    request: Request,
    db: PortalDb,
    sessionmaker: SessionmakerDep,
    settings: SettingsDep,
    language: PageLanguage,
    throttle: LoginThrottleDep,
    client_address: ClientAddressDep,
    email: Email = "",
    password: Password = "",
    next_page: NextPage = None,
) -> Response:
    """Sign in with an email address and password; audited and throttled like the console."""
    next_page = safe_next(request, next_page)
    email = email.strip()
    fields = (("email", email), ("password", password))
    problems = {name: name for name, value in fields if not value}

    def again(errors: dict[str, str], status_code: int) -> Response:
        """The form again, filled in, with what was wrong."""
        return _login_page(
            request,
            settings,
            language=language,
            next_page=next_page,
            email=email,
            errors=form_errors(language, errors),
            status_code=status_code,
        )

    if problems:
        return again(problems, 400)
    now = utcnow()
    try:
        user = auth_login.attempt(
            authenticate=lambda: provider_users_service.principal_of(
                portal_service.sign_in(db, email=email, password=password, now=now)
            ),
            throttle=throttle,
            sessions=sessionmaker,
            account=portal_service.throttle_account(email),
            address=client_address,
            target=portal_service.failed_sign_in_target(email),
            now=now,
        )
    except LoginThrottled as throttled:
        refused = again({"email": "throttled"}, 429)
        refused.headers["Retry-After"] = str(throttled.retry_after)
        return refused
    except auth_service.InvalidGrant:
        return again({"email": "credentials"}, 401)
    account = provider_users_service.get_user(
        db, provider_id=user.require_provider_id(), user_id=_user_id(user.subject)
    )
    token = sessions.issue_session(
        PORTAL,
        subject=user.subject,
        role=account.role,
        secret=settings.token_secret.get_secret_value(),
        issuer=settings.public_base_url,
        now=now,
    )
    response = see_other(next_page or portal_path(request, language=language))
    sessions.set_session_cookie(response, PORTAL, token, settings, request)
    sessions.clear_login_nonce(response, PORTAL, settings, request)
    return response


def _user_id(subject: str) -> int:
    return int(subject.removeprefix(provider_users_service.SUBJECT_PREFIX))


@router.post("/logout")
def logout(
    request: Request,
    db: PortalDb,
    settings: SettingsDep,
    language: PageLanguage,
    user: PortalPoster,
) -> Response:
    """Sign out: the session ends on the server (a copy of its cookie no longer works) and
    the browser drops the cookie."""
    auth_service.end_session(
        db,
        sid=user.claims.sid,
        expires_at=user.claims.auth_time + timedelta(seconds=sessions.MAX_SECONDS),
        now=utcnow(),
    )
    response = see_other(portal_path(request, "/login", language=language, done="signed-out"))
    sessions.clear_session_cookie(response, PORTAL, settings, request)
    return response


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
    nonce = form_checks.login_nonce(request, PORTAL)
    response = render_portal(
        request,
        "portal/invitation.html",
        {
            "login_csrf": csrf.login_token(settings.token_secret.get_secret_value(), nonce),
            "invitee_name": name,
            "invitee_email": email,
            "errors": errors or {},
            "action_url": portal_path(request, f"/invitations/{token}", language=language),
        },
        language=language,
        user=None,
        status_code=status_code,
    )
    if request.cookies.get(PORTAL.login_cookie) != nonce:
        sessions.set_login_nonce(response, PORTAL, nonce, settings, request)
    return response


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
