"""Signing in to a signed-in area (the staff console, the provider portal) and out of it:
the sign-in form, its post and sign-out, built once for each area from its `SignInPages`.

Signing in is audited and throttled like a token request (`app.auth.login`); signing out
ends the session on the server too, so a copy of its cookie no longer works.
"""

# No `from __future__ import annotations` here: the routes are built inside
# `sign_in_router`, and FastAPI reads their forms from annotations that name its argument.

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from app.audit.dependencies import SessionmakerDep
from app.auth import login as auth_login
from app.auth import service as auth_service
from app.auth.dependencies import ClientAddressDep, LoginThrottleDep, SettingsDep
from app.auth.throttle import LoginThrottled
from app.config import Settings
from app.db import utcnow
from app.fields import Language
from app.web import area_pages, csrf, form_checks, sessions
from app.web.area_pages import see_other
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.page_route import PageDb
from app.web.session_users import Reader, form_poster, optional_user, sign_in_form_check

Password = Annotated[str, Form(max_length=1024)]
NextPage = Annotated[str | None, Form(alias="next", max_length=2000)]


@dataclass(frozen=True, slots=True)
class SessionOwner:
    """Whom a new session is issued to: the subject and the role its cookie names."""

    subject: str
    role: str


class SignedInUser(Protocol):
    """What signing out needs of the signed-in user: their session."""

    @property
    def claims(self) -> sessions.PageSession:
        """What their session cookie says."""
        ...

    @property
    def csrf_token(self) -> str:
        """The CSRF token of the forms of their session."""
        ...


class RenderSignedOut(Protocol):
    """An area's page renderer, called for a page nobody is signed in to."""

    def __call__(
        self,
        request: Request,
        template_name: str,
        context: Mapping[str, Any] | None = None,
        *,
        language: Language,
        user: None,
        status_code: int = 200,
    ) -> HTMLResponse: ...


class SignIn(Protocol):
    """Check an account's password and audit the sign-in (raises `auth_service.InvalidGrant`)."""

    def __call__(
        self, db: Session, *, identifier: str, password: str, now: datetime
    ) -> SessionOwner: ...


@dataclass(frozen=True, slots=True)
class SignInPages:
    """What differs between the areas' sign-in pages."""

    realm: sessions.SessionRealm
    route_class: type[APIRoute]
    render: RenderSignedOut
    reader: Reader[SignedInUser]
    """The area's dependency that finds its signed-in user."""
    identifier: str
    """The form field that names the account: `username` or `email`."""
    identifier_max_length: int
    sign_in: SignIn
    throttle_account: Callable[[str], str]
    """The throttle's key for an account's identifier."""
    failed_sign_in_target: Callable[[str], auth_login.Target]
    form_errors: Mapping[str, str]
    """The area's messages of form errors."""
    notices: Mapping[str, str]
    """The notices the sign-in page may show (`?done=`): signed out, expired, ..."""


def render_sign_in_form(
    pages: SignInPages,
    request: Request,
    settings: Settings,
    template_name: str,
    context: Mapping[str, Any],
    *,
    language: Language,
    status_code: int = 200,
) -> HTMLResponse:
    """A page with a form that signs in (or prepares to): `login_csrf` in its context, bound
    to the nonce of the area's sign-in cookie, which is set when it is new."""
    nonce = form_checks.login_nonce(request, pages.realm)
    login_csrf = csrf.login_token(settings.token_secret.get_secret_value(), nonce)
    response = pages.render(
        request,
        template_name,
        {"login_csrf": login_csrf, **context},
        language=language,
        user=None,
        status_code=status_code,
    )
    if request.cookies.get(pages.realm.login_cookie) != nonce:
        sessions.set_login_nonce(response, pages.realm, nonce, settings, request)
    return response


def sign_in_router(pages: SignInPages) -> APIRouter:
    """The area's `/login` (form and post) and `/logout` routes."""
    realm = pages.realm
    router = APIRouter(route_class=pages.route_class, default_response_class=HTMLResponse)
    identifier_field = Form(alias=pages.identifier, max_length=pages.identifier_max_length)
    maybe_user = Depends(optional_user(pages.reader))
    poster = Depends(form_poster(pages.reader))

    def path(request: Request, page: str, *, language: Language, **params: str | None) -> str:
        return area_pages.area_path(request, realm, page, language=language, **params)

    def login_page(
        request: Request,
        settings: Settings,
        *,
        language: Language,
        next_page: str | None,
        identifier: str = "",
        errors: dict[str, str] | None = None,
        notice: str | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        context = {
            "next_page": next_page,
            pages.identifier: identifier,
            "errors": errors or {},
            "notice": translate(language, notice) if notice else None,
            "action_url": path(request, "/login", language=language),
        }
        return render_sign_in_form(
            pages,
            request,
            settings,
            f"{realm.name}/login.html",
            context,
            language=language,
            status_code=status_code,
        )

    @router.get("/login", name=f"{realm.name}_login")
    def login_form(
        request: Request,
        settings: SettingsDep,
        language: PageLanguage,
        user: Annotated[SignedInUser | None, maybe_user],
        next: str | None = None,
        done: str | None = None,
    ) -> Response:
        """The sign-in form (a signed-in user goes straight on)."""
        next_page = area_pages.safe_next(request, realm, next)
        if user is not None:
            return see_other(next_page or path(request, "", language=language))
        notice = pages.notices.get(done) if done else None
        return login_page(request, settings, language=language, next_page=next_page, notice=notice)

    @router.post("/login", dependencies=[Depends(sign_in_form_check(realm))])
    def login(
        request: Request,
        db: PageDb,
        sessionmaker: SessionmakerDep,
        settings: SettingsDep,
        language: PageLanguage,
        throttle: LoginThrottleDep,
        client_address: ClientAddressDep,
        identifier: Annotated[str, identifier_field] = "",
        password: Password = "",
        next_page: NextPage = None,
    ) -> Response:
        """Sign in with an account's name and password; audited and throttled like a token
        request."""
        next_page = area_pages.safe_next(request, realm, next_page)
        identifier = identifier.strip()
        fields = ((pages.identifier, identifier), ("password", password))
        problems = {name: name for name, value in fields if not value}

        def again(problems: dict[str, str], status_code: int) -> Response:
            """The form again, filled in, with what was wrong."""
            return login_page(
                request,
                settings,
                language=language,
                next_page=next_page,
                identifier=identifier,
                errors=area_pages.form_errors(language, pages.form_errors, problems),
                status_code=status_code,
            )

        if problems:
            return again(problems, 400)
        now = utcnow()
        try:
            owner = auth_login.attempt(
                authenticate=lambda: pages.sign_in(
                    db, identifier=identifier, password=password, now=now
                ),
                throttle=throttle,
                sessions=sessionmaker,
                account=pages.throttle_account(identifier),
                address=client_address,
                target=pages.failed_sign_in_target(identifier),
                now=now,
            )
        except LoginThrottled as throttled:
            refused = again({pages.identifier: "throttled"}, 429)
            refused.headers["Retry-After"] = str(throttled.retry_after)
            return refused
        except auth_service.InvalidGrant:
            return again({pages.identifier: "credentials"}, 401)
        token = sessions.issue_session(
            realm,
            subject=owner.subject,
            role=owner.role,
            secret=settings.token_secret.get_secret_value(),
            issuer=settings.public_base_url,
            now=now,
        )
        response = see_other(next_page or path(request, "", language=language))
        sessions.set_session_cookie(response, realm, token, settings, request)
        sessions.clear_login_nonce(response, realm, settings, request)
        return response

    @router.post("/logout")
    def logout(
        request: Request,
        db: PageDb,
        settings: SettingsDep,
        language: PageLanguage,
        user: Annotated[SignedInUser, poster],
    ) -> Response:
        """Sign out: the session ends on the server (a copy of its cookie no longer works) and
        the browser drops the cookie."""
        auth_service.end_session(
            db,
            sid=user.claims.sid,
            expires_at=user.claims.auth_time + timedelta(seconds=sessions.MAX_SECONDS),
            now=utcnow(),
        )
        response = see_other(path(request, "/login", language=language, done="signed-out"))
        sessions.clear_session_cookie(response, realm, settings, request)
        return response

    return router
