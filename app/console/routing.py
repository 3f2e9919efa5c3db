"""The route class of console pages: errors become pages, and every answer gets the
console's cookie and cache rules.

The API renders errors once, as problem+json, in app-wide handlers. A person using the
console needs a page instead, so `ConsoleRoute` catches errors inside the route: no
session goes to the sign-in page, a CSRF or role refusal is a 403 page, a domain error is
the error page of its status, and `PageReply` is the page a route prepared. Because the
route then answers normally, the request's transaction would commit; it is rolled back
first, exactly as it is when the API answers with a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.console import cookies
from app.console.errors import CsrfRejected, LoginRequired, PageReply, RoleNotAllowed
from app.console.pages import console_path, see_other
from app.console.session import SESSION_COOKIE
from app.console.vocabulary import PAGE_ERRORS
from app.errors import AppError
from app.fields import Language
from app.i18n import negotiate_language
from app.routing import ProblemRoute
from app.web.i18n import gettext as translate
from app.web.templates import render_error_page

CONSOLE_HEADERS: Final = {
    # Console pages show personal data and carry CSRF tokens: never store them.
    "Cache-Control": "no-store",
    # Browsers then send our real origin with our own form posts (with `no-referrer` they
    # would send `Origin: null`), and still nothing to other sites.
    "Referrer-Policy": "same-origin",
}


def request_language(request: Request) -> Language:
    """The page language, negotiated as `PageLanguage` does (for pages built here)."""
    return negotiate_language(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _roll_back(request: Request) -> None:
    session: Session | None = getattr(request.state, "console_db", None)
    if session is not None:
        await run_in_threadpool(session.rollback)


def _login_redirect(request: Request, language: Language) -> Response:
    target = None
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    expired = SESSION_COOKIE in request.cookies
    url = console_path(
        request, "/login", language=language, next=target, done="expired" if expired else None
    )
    response = see_other(url)
    if expired:
        cookies.clear_session(response, _settings(request), request)
    return response


def _error_page(request: Request, error: AppError, language: Language) -> Response:
    detail = None
    if isinstance(error, CsrfRejected):
        detail = translate(language, PAGE_ERRORS["csrf"])
    elif isinstance(error, RoleNotAllowed):
        detail = translate(language, PAGE_ERRORS["role"])
    return render_error_page(
        request, status_code=error.status, language=language, detail=detail, headers=error.headers
    )


class ConsoleRoute(ProblemRoute):
    """A console page route: HTML errors, a rolled-back transaction on error, renewed
    session cookies and the `CONSOLE_HEADERS` on every answer."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except PageReply as reply:
                await _roll_back(request)
                response = reply.response
            except LoginRequired:
                await _roll_back(request)
                response = _login_redirect(request, request_language(request))
            except RequestValidationError:
                await _roll_back(request)
                response = render_error_page(
                    request, status_code=400, language=request_language(request)
                )
            except AppError as error:
                await _roll_back(request)
                response = _error_page(request, error, request_language(request))
            renewed: str | None = getattr(request.state, "console_renewed_session", None)
            if renewed is not None and SESSION_COOKIE not in _cookies_set(response):
                cookies.set_session(response, renewed, _settings(request), request)
            response.headers.update(CONSOLE_HEADERS)
            return response

        return route_handler


def _cookies_set(response: Response) -> set[str]:
    names = set()
    for key, value in response.raw_headers:
        if key.lower() == b"set-cookie":
            names.add(value.decode("latin-1").split("=", 1)[0].strip())
    return names
