"""Request dependencies of the console: the signed-in staff user, their role, the CSRF check.

A route's signature shows its access policy, as in the API: `ConsoleReader` for pages every
staff role may read, `ConsoleAuditReader` for the audit log (admins and auditors, as in the
API), `ConsolePoster` for a form any signed-in user may post (sign out), `ConsoleWriter`
for the actions of admins and registrars and `ConsoleAdminPoster` for admins' alone (signing
an audit checkpoint). Auditors read everything else and act on nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request

from app.auth import service as auth_service
from app.auth.dependencies import SettingsDep
from app.auth.roles import Principal, Role
from app.console.session import (
    CONSOLE,
    SESSION_COOKIE,
    ConsoleSession,
    InvalidSession,
    issue_session,
    read_session,
)
from app.db import utcnow
from app.web import csrf, form_checks
from app.web.page_errors import LoginRequired, RoleNotAllowed
from app.web.page_route import PageDb, renew_session_later

WRITER_ROLES = (Role.admin, Role.registrar)
AUDIT_ROLES = (Role.admin, Role.auditor)


ConsoleDb = PageDb
"""The request's database session, which `ConsoleRoute` rolls back before an error page."""


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    """The signed-in staff user, as re-read from the database for this request."""

    principal: Principal
    claims: ConsoleSession
    csrf_token: str

    @property
    def role(self) -> Role:
        """The user's role now."""
        return self.principal.role

    @property
    def can_act(self) -> bool:
        """Whether the user may approve, reject, revoke, suspend and reinstate."""
        return self.role in WRITER_ROLES

    @property
    def can_read_audit(self) -> bool:
        """Whether the user may read the audit log."""
        return self.role in AUDIT_ROLES


def console_user(request: Request, db: ConsoleDb, settings: SettingsDep) -> ConsoleUser:
    """The user behind the session cookie; `LoginRequired` when there is none, it is
    invalid, expired or signed out, or the account has been disabled, given another role
    or otherwise changed (a password reset) since the user signed in.

    A session past half its idle lifetime is renewed: the new cookie (same session id,
    same sign-in time) is left on `request.state` for `ConsoleRoute` to set.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired()
    secret = settings.token_secret.get_secret_value()
    now = utcnow()
    try:
        session = read_session(token, secret=secret, issuer=settings.public_base_url, now=now)
    except InvalidSession:
        raise LoginRequired("The session is invalid or has expired.") from None
    # The sign-in time, not the renewal's: a password reset or any other change to the
    # account after sign-in ends the session, as it ends API tokens issued before it.
    principal = auth_service.load_principal(
        db,
        subject=session.subject,
        role=Role(session.role),
        issued_at=int(session.auth_time.timestamp()),
    )
    if principal is None or not principal.is_staff:
        raise LoginRequired("The account behind this session is no longer active.")
    if auth_service.session_ended(db, sid=session.sid):
        raise LoginRequired("The session was signed out.")
    if session.needs_renewal(now):
        renewed = issue_session(
            principal,
            secret=secret,
            issuer=settings.public_base_url,
            now=now,
            sid=session.sid,
            auth_time=session.auth_time,
        )
        renew_session_later(request, renewed)
    return ConsoleUser(
        principal=principal, claims=session, csrf_token=csrf.session_token(secret, session.sid)
    )


ConsoleReader = Annotated[ConsoleUser, Depends(console_user)]


def optional_console_user(
    request: Request, db: ConsoleDb, settings: SettingsDep
) -> ConsoleUser | None:
    """The signed-in user if there is one (the sign-in page sends them on)."""
    try:
        return console_user(request, db, settings)
    except LoginRequired:
        return None


MaybeConsoleUser = Annotated[ConsoleUser | None, Depends(optional_console_user)]


def posted_form(
    request: Request,
    settings: SettingsDep,
    user: ConsoleReader,
    csrf_token: Annotated[str | None, Form(alias=csrf.FIELD, max_length=200)] = None,
) -> ConsoleUser:
    """The user who posted a form carrying this session's CSRF token, from our origin."""
    form_checks.check_session_form(
        request,
        public_base_url=settings.public_base_url,
        expected=user.csrf_token,
        submitted=csrf_token,
    )
    return user


ConsolePoster = Annotated[ConsoleUser, Depends(posted_form)]


def posted_sign_in_form(
    request: Request,
    settings: SettingsDep,
    csrf_token: Annotated[str | None, Form(alias=csrf.FIELD, max_length=200)] = None,
) -> None:
    """Refuse a sign-in form from another origin or without its token (`form_checks`)."""
    form_checks.check_sign_in_form(
        request,
        CONSOLE,
        secret=settings.token_secret.get_secret_value(),
        public_base_url=settings.public_base_url,
        submitted=csrf_token,
    )


SignInForm = Depends(posted_sign_in_form)


def _refuse_other_roles(user: ConsoleUser, roles: tuple[Role, ...]) -> ConsoleUser:
    if user.role not in roles:
        raise RoleNotAllowed(f"This needs one of the roles: {', '.join(roles)}.")
    return user


def reader_with_roles(*roles: Role) -> Callable[[ConsoleUser], ConsoleUser]:
    """A page only the given roles may see."""

    def dependency(user: ConsoleReader) -> ConsoleUser:
        return _refuse_other_roles(user, roles)

    return dependency


def poster_with_roles(*roles: Role) -> Callable[[ConsoleUser], ConsoleUser]:
    """A form only the given roles may post (checked after the CSRF token)."""

    def dependency(user: ConsolePoster) -> ConsoleUser:
        return _refuse_other_roles(user, roles)

    return dependency


ConsoleAuditReader = Annotated[ConsoleUser, Depends(reader_with_roles(*AUDIT_ROLES))]
ConsoleWriter = Annotated[ConsoleUser, Depends(poster_with_roles(*WRITER_ROLES))]
ConsoleAdminPoster = Annotated[ConsoleUser, Depends(poster_with_roles(Role.admin))]
