"""Who is signed in to an area (the staff console, the provider portal), and the request
dependencies every area builds from that: the optional user of the sign-in page, the user
who posted a form, and the check of the sign-in form.

Each area says how to find the account a session names (`load`); everything else, from
reading the cookie to renewing it, is the same for every `SessionRealm`.
"""

# No `from __future__ import annotations` here: FastAPI reads the dependencies that the
# factories below build from their annotations, which name the factories' arguments.

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Generic, Protocol, TypeVar

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.dependencies import SettingsDep
from app.config import Settings
from app.db import utcnow
from app.web import csrf, form_checks, sessions
from app.web.page_errors import LoginRequired
from app.web.page_route import PageDb, renew_session_later

Account = TypeVar("Account")


class FormPoster(Protocol):
    """What the check of a posted form needs of the signed-in user."""

    @property
    def csrf_token(self) -> str:
        """The CSRF token of the forms of their session."""
        ...


User = TypeVar("User", bound=FormPoster)

CsrfField = Annotated[str | None, Form(alias=csrf.FIELD, max_length=200)]
"""The CSRF token a form carries."""


@dataclass(frozen=True, slots=True)
class SignedIn(Generic[Account]):
    """A valid session of an area and the account behind it, as re-read for this request."""

    account: Account
    session: sessions.PageSession
    csrf_token: str


def signed_in(
    request: Request,
    realm: sessions.SessionRealm,
    *,
    db: Session,
    settings: Settings,
    load: Callable[[sessions.PageSession], Account | None],
) -> SignedIn[Account]:
    """The account behind the realm's session cookie; `LoginRequired` when there is none, it
    is invalid, expired or signed out, or `load` finds no account (disabled, given another
    role or otherwise changed, a password reset, since the user signed in).

    A session past half its idle lifetime is renewed: the new cookie (same session id, same
    sign-in time) is left on `request.state` for the area's route class to set.
    """
    token = request.cookies.get(realm.session_cookie)
    if not token:
        raise LoginRequired()
    secret = settings.token_secret.get_secret_value()
    issuer = settings.public_base_url
    now = utcnow()
    try:
        session = sessions.read_session(realm, token, secret=secret, issuer=issuer, now=now)
    except sessions.InvalidSession:
        raise LoginRequired("The session is invalid or has expired.") from None
    account = load(session)
    if account is None:
        raise LoginRequired("The account behind this session is no longer active.")
    if auth_service.session_ended(db, sid=session.sid):
        raise LoginRequired("The session was signed out.")
    if session.needs_renewal(now):
        renewed = sessions.issue_session(
            realm,
            subject=session.subject,
            role=session.role,
            secret=secret,
            issuer=issuer,
            now=now,
            sid=session.sid,
            auth_time=session.auth_time,
        )
        renew_session_later(request, renewed)
    return SignedIn(
        account=account, session=session, csrf_token=csrf.session_token(secret, session.sid)
    )


Reader = Callable[[Request, Session, Settings], User]
"""An area's dependency that finds its signed-in user (`LoginRequired` when there is none)."""


def optional_user(reader: Reader[User]) -> Callable[..., User | None]:
    """A dependency: the signed-in user if there is one (the sign-in page sends them on)."""

    def dependency(request: Request, db: PageDb, settings: SettingsDep) -> User | None:
        try:
            return reader(request, db, settings)
        except LoginRequired:
            return None

    return dependency


def form_poster(reader: Reader[User]) -> Callable[..., User]:
    """A dependency: the user who posted a form carrying their session's CSRF token, from
    our origin."""

    def dependency(
        request: Request,
        settings: SettingsDep,
        user: Annotated[User, Depends(reader)],
        csrf_token: CsrfField = None,
    ) -> User:
        form_checks.check_session_form(
            request,
            public_base_url=settings.public_base_url,
            expected=user.csrf_token,
            submitted=csrf_token,
        )
        return user

    return dependency


def sign_in_form_check(realm: sessions.SessionRealm) -> Callable[..., None]:
    """A dependency that refuses a sign-in form of the realm from another origin or without
    its token (`form_checks.check_sign_in_form`)."""

    def dependency(request: Request, settings: SettingsDep, csrf_token: CsrfField = None) -> None:
        form_checks.check_sign_in_form(
            request,
            realm,
            secret=settings.token_secret.get_secret_value(),
            public_base_url=settings.public_base_url,
            submitted=csrf_token,
        )

    return dependency
