"""Console sign-in sessions: the console's `SessionRealm` (see `app.web.sessions`), for
staff users only, with cookies sent only to `/console` paths."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from app.auth.roles import STAFF_ROLES, Principal
from app.web import sessions
from app.web.sessions import IDLE_SECONDS, MAX_SECONDS, CookiePolicy, InvalidSession, PageSession

CONSOLE: Final = sessions.SessionRealm(
    name="console",
    session_cookie="nassc_console",
    login_cookie="nassc_console_login",
    path="/console",
    roles=frozenset(role.value for role in STAFF_ROLES),
)
SESSION_COOKIE: Final = CONSOLE.session_cookie
LOGIN_COOKIE: Final = CONSOLE.login_cookie
COOKIE_PATH: Final = CONSOLE.path

ConsoleSession = PageSession

__all__ = [
    "CONSOLE",
    "COOKIE_PATH",
    "IDLE_SECONDS",
    "LOGIN_COOKIE",
    "MAX_SECONDS",
    "SESSION_COOKIE",
    "ConsoleSession",
    "CookiePolicy",
    "InvalidSession",
    "cookie_policy",
    "issue_session",
    "read_session",
    "session_key",
]


def session_key(secret: str) -> bytes:
    """The 32-byte HMAC key of console session cookies, derived from the token secret."""
    return sessions.session_key(CONSOLE, secret)


def issue_session(
    principal: Principal,
    *,
    secret: str,
    issuer: str,
    now: datetime,
    sid: str | None = None,
    auth_time: datetime | None = None,
) -> str:
    """A session cookie value for a staff `principal`; pass `sid` and `auth_time` to renew one."""
    if principal.role not in STAFF_ROLES:
        raise ValueError("only staff users sign in to the console")
    return sessions.issue_session(
        CONSOLE,
        subject=principal.subject,
        role=principal.role.value,
        secret=secret,
        issuer=issuer,
        now=now,
        sid=sid,
        auth_time=auth_time,
    )


def read_session(token: str, *, secret: str, issuer: str, now: datetime) -> ConsoleSession:
    """Check a console session cookie against `now` and return what it says."""
    return sessions.read_session(CONSOLE, token, secret=secret, issuer=issuer, now=now)


def cookie_policy(public_base_url: str, *, root_path: str = "") -> CookiePolicy:
    """Where console cookies go, and whether only over https."""
    return sessions.cookie_policy(CONSOLE, public_base_url, root_path=root_path)
