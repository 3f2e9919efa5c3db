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

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.dependencies import SettingsDep
from app.auth.roles import Principal, Role
from app.console.session import CONSOLE
from app.fields import Language
from app.web import session_users
from app.web.dependencies import PageLanguage
from app.web.page_errors import RoleNotAllowed
from app.web.page_route import PageDb
from app.web.sessions import PageSession

WRITER_ROLES = (Role.admin, Role.registrar)
AUDIT_ROLES = (Role.admin, Role.auditor)


ConsoleDb = PageDb
"""The request's database session, which `ConsoleRoute` rolls back before an error page."""


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    """The signed-in staff user, as re-read from the database for this request."""

    principal: Principal
    claims: PageSession
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
    """The staff user behind the console session cookie (`session_users.signed_in`):
    `LoginRequired` when there is none, or the account has been disabled, given another role
    or otherwise changed (a password reset) since the user signed in."""

    def staff_principal(session: PageSession) -> Principal | None:
        # The sign-in time, not the renewal's: a password reset or any other change to the
        # account after sign-in ends the session, as it ends API tokens issued before it.
        principal = auth_service.load_principal(
            db,
            subject=session.subject,
            role=Role(session.role),
            issued_at=int(session.auth_time.timestamp()),
        )
        return principal if principal is not None and principal.is_staff else None

    found = session_users.signed_in(
        request, CONSOLE, db=db, settings=settings, load=staff_principal
    )
    return ConsoleUser(principal=found.account, claims=found.session, csrf_token=found.csrf_token)


ConsoleReader = Annotated[ConsoleUser, Depends(console_user)]
MaybeConsoleUser = Annotated[ConsoleUser | None, Depends(session_users.optional_user(console_user))]
"""The signed-in user if there is one (the sign-in page sends them on)."""
ConsolePoster = Annotated[ConsoleUser, Depends(session_users.form_poster(console_user))]
"""The user who posted a form carrying this session's CSRF token, from our origin."""


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


@dataclass(frozen=True, slots=True)
class ConsolePage:
    """What a staff page opens with: the request, its database session, the signed-in user
    (`ConsoleReader`) and the page's language."""

    request: Request
    db: Session
    user: ConsoleUser
    language: Language


def console_page(
    request: Request, db: ConsoleDb, user: ConsoleReader, language: PageLanguage
) -> ConsolePage:
    """The opening of a page every staff role may read."""
    return ConsolePage(request=request, db=db, user=user, language=language)


ConsolePageDep = Annotated[ConsolePage, Depends(console_page)]
