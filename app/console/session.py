"""Console sign-in sessions: a signed, short-lived cookie and nothing stored on the server.

The cookie holds an HS256 JWT made with the service's token secret under a key of its own
(domain-separated from API access tokens, so neither can stand in for the other). It names
the staff user, their role, a random session id (`sid`, which CSRF tokens are bound to) and
when they signed in (`auth_time`). A session lives `IDLE_SECONDS` after its last renewal
and never more than `MAX_SECONDS` after sign-in; the principal behind it is re-read from
the database on every request, so disabling a user or changing their role ends it at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

import jwt

from app.auth.roles import STAFF_ROLES, Principal, Role

SESSION_COOKIE: Final = "nassc_console"
"""The session cookie, sent only to `/console` paths."""
LOGIN_COOKIE: Final = "nassc_console_login"
"""A random nonce the sign-in form's CSRF token is bound to, before there is a session."""
COOKIE_PATH: Final = "/console"

IDLE_SECONDS: Final = 30 * 60
"""A session not used for this long has expired."""
MAX_SECONDS: Final = 8 * 60 * 60
"""However active, a session ends this long after sign-in (a working day)."""
LOGIN_NONCE_SECONDS: Final = 60 * 60
"""How long the sign-in form may stay open before it must be reloaded."""

ALGORITHM: Final = "HS256"
TOKEN_TYPE: Final = "console+jwt"  # noqa: S105 - a JWT `typ`, not a secret
AUDIENCE: Final = "nassc-console"
_REQUIRED_CLAIMS: Final = ("iss", "aud", "sub", "role", "sid", "iat", "exp", "auth_time")
_CLOCK_SKEW: Final = timedelta(seconds=60)
"""Tolerated difference between the clocks of the workers that issue and read a cookie."""


class InvalidSession(Exception):
    """The session cookie is malformed, forged, expired or meant for another service."""


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """What a valid session cookie says."""

    subject: str
    role: Role
    sid: str
    issued_at: datetime
    expires_at: datetime
    auth_time: datetime

    def needs_renewal(self, now: datetime) -> bool:
        """Whether half the idle lifetime has passed, so the cookie should be re-issued."""
        return now - self.issued_at >= timedelta(seconds=IDLE_SECONDS // 2)


def session_key(secret: str) -> bytes:
    """The 32-byte HMAC key of session cookies, derived from the token secret."""
    return hashlib.sha256(b"nassc/console-session/v1|" + secret.encode()).digest()


def new_session_id() -> str:
    """A random, unguessable session id."""
    return secrets.token_urlsafe(24)


def issue_session(
    principal: Principal,
    *,
    secret: str,
    issuer: str,
    now: datetime,
    sid: str | None = None,
    auth_time: datetime | None = None,
) -> str:
    """A session cookie value for `principal`; pass `sid` and `auth_time` to renew one."""
    if principal.role not in STAFF_ROLES:
        raise ValueError("only staff users sign in to the console")
    signed_in = auth_time or now
    expires = min(now + timedelta(seconds=IDLE_SECONDS), signed_in + timedelta(seconds=MAX_SECONDS))
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": principal.subject,
        "role": principal.role.value,
        "sid": sid or new_session_id(),
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "auth_time": int(signed_in.timestamp()),
    }
    return jwt.encode(claims, session_key(secret), algorithm=ALGORITHM, headers={"typ": TOKEN_TYPE})


def read_session(token: str, *, secret: str, issuer: str, now: datetime) -> ConsoleSession:
    """Check a session cookie against `now` and return what it says.

    Only HS256 with this service's type, audience and issuer is accepted; times are checked
    here against `now` rather than by the JWT library against the wall clock.
    """
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM or header.get("typ") != TOKEN_TYPE:
            raise InvalidSession("unexpected session header")
        claims = jwt.decode(
            token,
            session_key(secret),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=issuer,
            options={
                "require": list(_REQUIRED_CLAIMS),
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
        session = ConsoleSession(
            subject=str(claims["sub"]),
            role=Role(claims["role"]),
            sid=str(claims["sid"]),
            issued_at=_instant(claims["iat"]),
            expires_at=_instant(claims["exp"]),
            auth_time=_instant(claims["auth_time"]),
        )
    except (jwt.PyJWTError, ValueError, KeyError, TypeError, OverflowError) as error:
        raise InvalidSession(str(error)) from error
    if session.role not in STAFF_ROLES:
        raise InvalidSession("not a staff session")
    if not session.auth_time <= session.issued_at <= now + _CLOCK_SKEW:
        raise InvalidSession("the session was issued in the future")
    if now >= session.expires_at:
        raise InvalidSession("the session has expired")
    if now - session.auth_time >= timedelta(seconds=MAX_SECONDS):
        raise InvalidSession("the session is older than its maximum lifetime")
    return session


def _instant(value: object) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("a time claim is not a whole number of seconds")
    return datetime.fromtimestamp(value, UTC)


@dataclass(frozen=True, slots=True)
class CookiePolicy:
    """Where console cookies are sent and whether only over https; they are always
    `HttpOnly` and `SameSite=Strict` as well."""

    secure: bool
    path: str = COOKIE_PATH


def cookie_policy(public_base_url: str, *, root_path: str = "") -> CookiePolicy:
    """Cookies are `Secure` whenever the service is reached over https (always in
    production, where the settings refuse any other base URL)."""
    secure = urlsplit(public_base_url).scheme == "https"
    return CookiePolicy(secure=secure, path=f"{root_path}{COOKIE_PATH}")
