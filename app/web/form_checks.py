"""The checks every form of a signed-in area passes (see `app.web.csrf`): posted from our
own origin, carrying the token of the session (or, on the sign-in form, of the sign-in
cookie's nonce)."""

from __future__ import annotations

from fastapi import Request

from app.web import csrf
from app.web.page_errors import CsrfRejected
from app.web.sessions import SessionRealm

_NONCE_LENGTHS = range(16, 65)


def allowed_origins(request: Request, public_base_url: str) -> tuple[str, ...]:
    """The origins a form may be posted from: the configured public one, and the one this
    request was addressed to (a browser always sends our own host there)."""
    return (public_base_url, str(request.base_url))


def check_request_origin(request: Request, public_base_url: str) -> None:
    """Refuse a POST whose `Origin` (or `Referer`) names another site."""
    if not csrf.same_origin(
        origin=request.headers.get("origin"),
        referer=request.headers.get("referer"),
        allowed=allowed_origins(request, public_base_url),
    ):
        raise CsrfRejected("The form was posted from another origin.")


def check_session_form(
    request: Request, *, public_base_url: str, expected: str, submitted: str | None
) -> None:
    """Refuse a form posted from another origin or without the session's CSRF token."""
    check_request_origin(request, public_base_url)
    if not csrf.tokens_match(expected, submitted):
        raise CsrfRejected("The CSRF token is missing or does not match the session.")


def check_sign_in_form(
    request: Request,
    realm: SessionRealm,
    *,
    secret: str,
    public_base_url: str,
    submitted: str | None,
) -> None:
    """Refuse a sign-in form from another origin, or without the token bound to the nonce
    of the realm's sign-in cookie (a login CSRF would sign the victim in as the attacker)."""
    check_request_origin(request, public_base_url)
    nonce = request.cookies.get(realm.login_cookie, "")
    expected = csrf.login_token(secret, nonce)
    if not nonce or not csrf.tokens_match(expected, submitted):
        raise CsrfRejected("The sign-in form's CSRF token is missing or does not match.")


def login_nonce(request: Request, realm: SessionRealm) -> str:
    """The sign-in cookie's nonce, or a new one if it is absent or malformed."""
    nonce = request.cookies.get(realm.login_cookie, "")
    if len(nonce) in _NONCE_LENGTHS and nonce.isascii() and nonce.isprintable():
        return nonce
    return csrf.new_login_nonce()


def safe_return(request: Request, value: str | None, *, area_path: str) -> str | None:
    """`value` if it is a page of the area at `area_path` to return to after signing in.

    Anything else (another host, `//evil.example`, a backslash trick, the sign-in page
    itself) is dropped, so the sign-in form cannot be used as an open redirect.
    """
    if not value or len(value) > 2000 or not value.isprintable() or "\\" in value:
        return None
    base = request.scope.get("root_path", "") + area_path
    path = value.split("?", 1)[0]
    if path != base and not path.startswith(base + "/"):
        return None
    if path.startswith((base + "/login", base + "/logout")):
        return None
    return value
