"""Sign-in sessions of the server-rendered areas (the staff console, the provider portal):
a signed, short-lived cookie and nothing stored on the server but sign-outs.

Each area is a `SessionRealm`: its own cookie names and path, and its own JWT audience,
type and HMAC key (derived from the token secret, domain-separated from access tokens and
from the other realms, so no cookie or token can stand in for another). A cookie names the
subject, their role, a random session id (`sid`, which CSRF tokens are bound to) and when
they signed in (`auth_time`). A session lives `IDLE_SECONDS` after its last renewal and
never more than `MAX_SECONDS` after sign-in; each area re-reads the person behind it from
the database on every request, so disabling them or changing their role ends it at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

import jwt
from fastapi import Request, Response

from app.config import Settings

IDLE_SECONDS: Final = 30 * 60
"""A session not used for this long has expired."""
MAX_SECONDS: Final = 8 * 60 * 60
"""However active, a session ends this long after sign-in (a working day)."""
LOGIN_NONCE_SECONDS: Final = 60 * 60
"""How long the sign-in form may stay open before it must be reloaded."""

ALGORITHM: Final = "HS256"
_REQUIRED_CLAIMS: Final = ("iss", "aud", "sub", "role", "sid", "iat", "exp", "auth_time")
_CLOCK_SKEW: Final = timedelta(seconds=60)
"""Tolerated difference between the clocks of the workers that issue and read a cookie."""


@dataclass(frozen=True, slots=True)
class SessionRealm:
    """One signed-in area: who may hold its sessions and where its cookies go."""

    name: str
    """`console` or `portal`: the JWT audience is `nassc-<name>`, its type `<name>+jwt`."""
    session_cookie: str
    """The session cookie, sent only to `path`."""
    login_cookie: str
    """A random nonce the sign-in form's CSRF token is bound to, before there is a session."""
    path: str
    roles: frozenset[str]
    """The roles a session of this realm may carry."""

    @property
    def audience(self) -> str:
        """The `aud` of this realm's session tokens."""
        return f"nassc-{self.name}"

    @property
    def token_type(self) -> str:
        """The JWT `typ` of this realm's session tokens."""
        return f"{self.name}+jwt"


class InvalidSession(Exception):
    """The session cookie is malformed, forged, expired or meant for another realm or service."""


@dataclass(frozen=True, slots=True)
class PageSession:
    """What a valid session cookie says."""

    subject: str
    role: str
    sid: str
    issued_at: datetime
    expires_at: datetime
    auth_time: datetime

    def needs_renewal(self, now: datetime) -> bool:
        """Whether half the idle lifetime has passed, so the cookie should be re-issued."""
        return now - self.issued_at >= timedelta(seconds=IDLE_SECONDS // 2)


def session_key(realm: SessionRealm, secret: str) -> bytes:
    """The 32-byte HMAC key of `realm`'s session cookies, derived from the token secret."""
    return hashlib.sha256(f"nassc/{realm.name}-session/v1|".encode() + secret.encode()).digest()


def new_session_id() -> str:
    """A random, unguessable session id."""
    return secrets.token_urlsafe(24)


def issue_session(
    realm: SessionRealm,
    *,
    subject: str,
    role: str,
    secret: str,
    issuer: str,
    now: datetime,
    sid: str | None = None,
    auth_time: datetime | None = None,
) -> str:
    """A session cookie value; pass `sid` and `auth_time` to renew one."""
    if role not in realm.roles:
        raise ValueError(f"the role {role!r} does not sign in to the {realm.name}")
    signed_in = auth_time or now
    expires = min(now + timedelta(seconds=IDLE_SECONDS), signed_in + timedelta(seconds=MAX_SECONDS))
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": realm.audience,
        "sub": subject,
        "role": role,
        "sid": sid or new_session_id(),
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "auth_time": int(signed_in.timestamp()),
    }
    return jwt.encode(
        claims, session_key(realm, secret), algorithm=ALGORITHM, headers={"typ": realm.token_type}
    )


def read_session(
    realm: SessionRealm, token: str, *, secret: str, issuer: str, now: datetime
) -> PageSession:
    """Check a session cookie against `now` and return what it says.

    Only HS256 with the realm's type and audience and this service as issuer is accepted;
    times are checked here against `now` rather than by the JWT library against the wall clock.
    """
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM or header.get("typ") != realm.token_type:
            raise InvalidSession("unexpected session header")
        claims = jwt.decode(
            token,
            session_key(realm, secret),
            algorithms=[ALGORITHM],
            audience=realm.audience,
            issuer=issuer,
            options={
                "require": list(_REQUIRED_CLAIMS),
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
        session = PageSession(
            subject=str(claims["sub"]),
            role=str(claims["role"]),
            sid=str(claims["sid"]),
            issued_at=_instant(claims["iat"]),
            expires_at=_instant(claims["exp"]),
            auth_time=_instant(claims["auth_time"]),
        )
    except (jwt.PyJWTError, ValueError, KeyError, TypeError, OverflowError) as error:
        raise InvalidSession(str(error)) from error
    if session.role not in realm.roles:
        raise InvalidSession(f"not a {realm.name} session")
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
    """Where a realm's cookies are sent and whether only over https; they are always
    `HttpOnly` and `SameSite=Strict` as well."""

    secure: bool
    path: str


def cookie_policy(
    realm: SessionRealm, public_base_url: str, *, root_path: str = ""
) -> CookiePolicy:
    """Cookies are `Secure` whenever the service is reached over https (always in
    production, where the settings refuse any other base URL)."""
    secure = urlsplit(public_base_url).scheme == "https"
    return CookiePolicy(secure=secure, path=f"{root_path}{realm.path}")


def _set(
    response: Response,
    realm: SessionRealm,
    name: str,
    value: str,
    *,
    max_age: int,
    settings: Settings,
    request: Request,
) -> None:
    policy = cookie_policy(
        realm, settings.public_base_url, root_path=request.scope.get("root_path", "")
    )
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=policy.path,
        secure=policy.secure,
        httponly=True,
        samesite="strict",
    )


def set_session_cookie(
    response: Response, realm: SessionRealm, token: str, settings: Settings, request: Request
) -> None:
    """Set the session cookie; the browser drops it when the session would expire anyway."""
    _set(
        response,
        realm,
        realm.session_cookie,
        token,
        max_age=IDLE_SECONDS,
        settings=settings,
        request=request,
    )


def clear_session_cookie(
    response: Response, realm: SessionRealm, settings: Settings, request: Request
) -> None:
    """Remove the session cookie."""
    _set(response, realm, realm.session_cookie, "", max_age=0, settings=settings, request=request)


def set_login_nonce(
    response: Response, realm: SessionRealm, nonce: str, settings: Settings, request: Request
) -> None:
    """Set the cookie the sign-in form's CSRF token is bound to."""
    _set(
        response,
        realm,
        realm.login_cookie,
        nonce,
        max_age=LOGIN_NONCE_SECONDS,
        settings=settings,
        request=request,
    )


def clear_login_nonce(
    response: Response, realm: SessionRealm, settings: Settings, request: Request
) -> None:
    """Remove the sign-in cookie once the user has signed in."""
    _set(response, realm, realm.login_cookie, "", max_age=0, settings=settings, request=request)
