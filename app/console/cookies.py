"""Setting and clearing the console's cookies (`app.web.sessions` with the console's realm):
`HttpOnly`, `SameSite=Strict`, `Path=/console`, and `Secure` over https."""

from __future__ import annotations

from fastapi import Request, Response

from app.config import Settings
from app.console.session import CONSOLE
from app.web import sessions


def set_session(response: Response, token: str, settings: Settings, request: Request) -> None:
    """Set the session cookie; the browser drops it when the session would expire anyway."""
    sessions.set_session_cookie(response, CONSOLE, token, settings, request)


def clear_session(response: Response, settings: Settings, request: Request) -> None:
    """Remove the session cookie."""
    sessions.clear_session_cookie(response, CONSOLE, settings, request)


def set_login_nonce(response: Response, nonce: str, settings: Settings, request: Request) -> None:
    """Set the cookie the sign-in form's CSRF token is bound to."""
    sessions.set_login_nonce(response, CONSOLE, nonce, settings, request)


def clear_login_nonce(response: Response, settings: Settings, request: Request) -> None:
    """Remove the sign-in cookie once the user has signed in."""
    sessions.clear_login_nonce(response, CONSOLE, settings, request)
