"""Portal sign-in sessions: the portal's `SessionRealm` (see `app.web.sessions`), for
provider users only, with cookies sent only to `/portal` paths."""

from __future__ import annotations

from typing import Final

from app.provider_users.models import ProviderRole
from app.web.sessions import SessionRealm

PORTAL: Final = SessionRealm(
    name="portal",
    session_cookie="nassc_portal",
    login_cookie="nassc_portal_login",
    path="/portal",
    roles=frozenset(role.value for role in ProviderRole),
)
