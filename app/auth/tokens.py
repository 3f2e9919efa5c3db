"""Short-lived access tokens: HS256 JWTs with a pinned algorithm, issuer, audience and expiry."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import jwt

from app.auth.roles import ROLE_SCOPES, Principal, Role

TOKEN_ALGORITHM = "HS256"  # noqa: S105 - an algorithm name
TOKEN_AUDIENCE = "nassc-api"  # noqa: S105 - an audience name
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "role")


class InvalidToken(Exception):
    """The token is malformed, forged, expired or meant for someone else."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """An access token and how long it lives."""

    access_token: str
    expires_in: int
    scope: str


class AccessClaims(NamedTuple):
    """What a checked access token says: who, in which role, issued when (whole seconds)."""

    subject: str
    role: Role
    issued_at: int


def _signing_key(secret: str) -> bytes:
    # Domain-separated and always 32 bytes, whatever length the configured secret has.
    return hashlib.sha256(b"nassc/access-token/v1|" + secret.encode()).digest()


def issue_access_token(
    principal: Principal, *, secret: str, issuer: str, now: datetime, ttl_seconds: int
) -> IssuedToken:
    """Sign an access token for `principal`, valid for `ttl_seconds` from `now`."""
    scope = " ".join(ROLE_SCOPES[principal.role])
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": TOKEN_AUDIENCE,
        "sub": principal.subject,
        "role": principal.role.value,
        "scope": scope,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(
        claims, _signing_key(secret), algorithm=TOKEN_ALGORITHM, headers={"typ": "at+jwt"}
    )
    return IssuedToken(access_token=token, expires_in=ttl_seconds, scope=scope)


def decode_access_token(token: str, *, secret: str, issuer: str) -> AccessClaims:
    """Check an access token and return its subject, role and issue time (`iat`).

    Only HS256 is accepted: a token whose header names any other algorithm (`none`,
    RS256 signed with a public key, EdDSA) is refused before its signature is considered.
    """
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != TOKEN_ALGORITHM or header.get("typ") != "at+jwt":
            raise InvalidToken("unexpected token header")
        claims = jwt.decode(
            token,
            _signing_key(secret),
            algorithms=[TOKEN_ALGORITHM],
            audience=TOKEN_AUDIENCE,
            issuer=issuer,
            options={"require": list(REQUIRED_CLAIMS)},
        )
        return AccessClaims(str(claims["sub"]), Role(claims["role"]), int(claims["iat"]))
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc
