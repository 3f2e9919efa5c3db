"""Signing in to the console and out of it."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.audit.dependencies import SessionmakerDep
from app.auth import login as auth_login
from app.auth import service as auth_service
from app.auth.dependencies import ClientAddressDep, LoginThrottleDep, SettingsDep
from app.auth.throttle import LoginThrottled
from app.config import Settings
from app.console import cookies
from app.console import service as console_service
from app.console.dependencies import ConsoleDb, ConsolePoster, MaybeConsoleUser, SignInForm
from app.console.pages import console_path, form_errors, render_console, safe_next, see_other
from app.console.routing import ConsoleRoute
from app.console.session import CONSOLE, LOGIN_COOKIE, MAX_SECONDS, issue_session
from app.console.vocabulary import NOTICES
from app.db import utcnow
from app.fields import Language
from app.web import csrf, form_checks
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)

Username = Annotated[str, Form(max_length=64)]
Password = Annotated[str, Form(max_length=1024)]
NextPage = Annotated[str | None, Form(alias="next", max_length=2000)]


def _login_page(
    request: Request,
    settings: Settings,
    *,
    language: Language,
    next_page: str | None,
    username: str = "",
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    nonce = form_checks.login_nonce(request, CONSOLE)
    response = render_console(
        request,
        "console/login.html",
        {
            "login_csrf": csrf.login_token(settings.token_secret.get_secret_value(), nonce),
            "next_page": next_page,
            "username": username,
            "errors": errors or {},
            "notice": translate(language, notice) if notice else None,
            "action_url": console_path(request, "/login", language=language),
        },
        language=language,
        user=None,
        status_code=status_code,
    )
    if request.cookies.get(LOGIN_COOKIE) != nonce:
        cookies.set_login_nonce(response, nonce, settings, request)
    return response


@router.get("/login", name="console_login")
def login_form(
    request: Request,
    settings: SettingsDep,
    language: PageLanguage,
    user: MaybeConsoleUser,
    next: str | None = None,
    done: str | None = None,
) -> Response:
    """The sign-in form (a signed-in user goes straight on)."""
    next_page = safe_next(request, next)
    if user is not None:
        return see_other(next_page or console_path(request, language=language))
    notice = NOTICES[done] if done in ("signed-out", "expired") else None
    return _login_page(request, settings, language=language, next_page=next_page, notice=notice)


@router.post("/login", dependencies=[SignInForm])
def login(
    request: Request,
    db: ConsoleDb,
    sessions: SessionmakerDep,
    settings: SettingsDep,
    language: PageLanguage,
    throttle: LoginThrottleDep,
    client_address: ClientAddressDep,
    username: Username = "",
    password: Password = "",
    next_page: NextPage = None,
) -> Response:
    """Sign in with a username and password; audited and throttled like a token request."""
    next_page = safe_next(request, next_page)
    username = username.strip()
    fields = (("username", username), ("password", password))
    problems = {name: name for name, value in fields if not value}

    def again(errors: dict[str, str], status_code: int) -> Response:
        """The form again, filled in, with what was wrong."""
        return _login_page(
            request,
            settings,
            language=language,
            next_page=next_page,
            username=username,
            errors=form_errors(language, errors),
            status_code=status_code,
        )

    if problems:
        return again(problems, 400)
    now = utcnow()
    try:
        principal = auth_login.attempt(
            authenticate=partial(
                console_service.sign_in, db, username=username, password=password, now=now
            ),
            throttle=throttle,
            sessions=sessions,
            account=username,
            address=client_address,
            target=console_service.failed_sign_in_target(username),
            now=now,
        )
    except LoginThrottled as throttled:
        refused = again({"username": "throttled"}, 429)
        refused.headers["Retry-After"] = str(throttled.retry_after)
        return refused
    except auth_service.InvalidGrant:
        return again({"username": "credentials"}, 401)
    secret = settings.token_secret.get_secret_value()
    token = issue_session(principal, secret=secret, issuer=settings.public_base_url, now=now)
    response = see_other(next_page or console_path(request, language=language))
    cookies.set_session(response, token, settings, request)
    cookies.clear_login_nonce(response, settings, request)
    return response


@router.post("/logout")
def logout(
    request: Request,
    db: ConsoleDb,
    settings: SettingsDep,
    language: PageLanguage,
    user: ConsolePoster,
) -> Response:
    """Sign out: the session ends on the server (a copy of its cookie no longer works) and
    the browser drops the cookie."""
    auth_service.end_session(
        db,
        sid=user.claims.sid,
        expires_at=user.claims.auth_time + timedelta(seconds=MAX_SECONDS),
        now=utcnow(),
    )
    response = see_other(console_path(request, "/login", language=language, done="signed-out"))
    cookies.clear_session(response, settings, request)
    return response
