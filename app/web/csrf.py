"""Cross-site request forgery defences of the signed-in pages' forms (console and portal).

Three layers, each enough on its own against a form posted from another site:

1. Cookies are `SameSite=Strict`, so a cross-site POST arrives without a session.
2. Every POST form carries a token that is an HMAC of the session id (or, on the sign-in
   form, of a random nonce kept in its own cookie) under a key derived from the token
   secret. Another site can neither read it from our pages nor compute it.
3. When the browser says where the request comes from (`Origin`, else `Referer`), that
   origin must be this service's. Signed-in pages send `Referrer-Policy: same-origin`, so
   browsers name the real origin on our own forms; an opaque `Origin: null` is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

FIELD: Final = "csrf_token"
"""The name of the hidden form field that carries the token."""


def csrf_key(secret: str) -> bytes:
    """The 32-byte HMAC key of CSRF tokens, derived from the token secret."""
    return hashlib.sha256(b"nassc/console-csrf/v1|" + secret.encode()).digest()


def _token(secret: str, purpose: bytes, binding: str) -> str:
    digest = hmac.new(csrf_key(secret), purpose + b"|" + binding.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def session_token(secret: str, sid: str) -> str:
    """The CSRF token of every form shown in the session `sid`."""
    return _token(secret, b"session", sid)


def login_token(secret: str, nonce: str) -> str:
    """The CSRF token of the sign-in form, bound to the nonce in the sign-in cookie."""
    return _token(secret, b"login", nonce)


def new_login_nonce() -> str:
    """A random nonce for the sign-in cookie."""
    return secrets.token_urlsafe(24)


def tokens_match(expected: str, submitted: str | None) -> bool:
    """Whether the submitted token is the expected one (in constant time)."""
    if not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def origin_of(url: str) -> str | None:
    """The `scheme://host[:port]` of an absolute URL, lower-cased; None if it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{suffix}"


def same_origin(*, origin: str | None, referer: str | None, allowed: Iterable[str]) -> bool:
    """Whether the request's stated source is one of the `allowed` origins.

    A request that states none passes this check (some privacy tools strip both
    headers); the CSRF token still has to match.
    """
    accepted = {origin_of(url) for url in allowed} - {None}
    if origin is not None:
        return origin_of(origin) in accepted
    if referer:
        return origin_of(referer) in accepted
    return True
