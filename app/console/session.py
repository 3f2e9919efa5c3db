"""Console sign-in sessions: the console's `SessionRealm` (see `app.web.sessions`), for
staff users only, with cookies sent only to `/console` paths."""

from __future__ import annotations

from typing import Final

from app.auth.roles import STAFF_ROLES
from app.web.sessions import SessionRealm

CONSOLE: Final = SessionRealm(
    name="console",
    session_cookie="nassc_console",
    login_cookie="nassc_console_login",
    path="/console",
    roles=frozenset(role.value for role in STAFF_ROLES),
)
SESSION_COOKIE: Final = CONSOLE.session_cookie
LOGIN_COOKIE: Final = CONSOLE.login_cookie
