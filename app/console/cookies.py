"""Setting and clearing the console's cookies, always with the same attributes:
`HttpOnly`, `SameSite=Strict`, `Path=/console`, and `Secure` over https."""

from __future__ import annotations

from fastapi import Request, Response

from app.config import Settings
from app.console.session import (
    IDLE_SECONDS,
    LOGIN_COOKIE,
    LOGIN_NONCE_SECONDS,
    SESSION_COOKIE,
    CookiePolicy,
    cookie_policy,
)


def _policy(settings: Settings, request: Request) -> CookiePolicy:
    return cookie_policy(settings.public_base_url, root_path=request.scope.get("root_path", ""))


def _set(
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int,
    settings: Settings,
    request: Request,
) -> None:
    policy = _policy(settings, request)
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=policy.path,
        secure=policy.secure,
        httponly=True,
        samesite="strict",
    )


def set_session(response: Response, token: str, settings: Settings, request: Request) -> None:
    """Set the session cookie; the browser drops it when the session would expire anyway."""
    _set(response, SESSION_COOKIE, token, max_age=IDLE_SECONDS, settings=settings, request=request)


def clear_session(response: Response, settings: Settings, request: Request) -> None:
    """Remove the session cookie."""
    _set(response, SESSION_COOKIE, "", max_age=0, settings=settings, request=request)


def set_login_nonce(response: Response, nonce: str, settings: Settings, request: Request) -> None:
    """Set the cookie the sign-in form's CSRF token is bound to."""
    _set(
        response,
        LOGIN_COOKIE,
        nonce,
        max_age=LOGIN_NONCE_SECONDS,
        settings=settings,
        request=request,
    )


def clear_login_nonce(response: Response, settings: Settings, request: Request) -> None:
    """Remove the sign-in cookie once the user has signed in."""
    _set(response, LOGIN_COOKIE, "", max_age=0, settings=settings, request=request)
