"""The route class of signed-in pages (console, portal): errors become pages, and every
answer gets the area's cookie and cache rules.

The API renders errors once, as problem+json, in app-wide handlers. A person using a
signed-in area needs a page instead, so `SessionPageRoute` catches errors inside the route:
no session goes to the area's sign-in page, a CSRF or role refusal is a 403 page, a domain
error is the error page of its status, and `PageReply` is the page a route prepared. Because
the route then answers normally, the request's transaction would commit; it is rolled back
first, exactly as it is when the API answers with a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, ClassVar, Final

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.db import SessionDep
from app.errors import AppError
from app.fields import Language
from app.i18n import negotiate_language
from app.routing import ProblemRoute
from app.web import sessions
from app.web.area_pages import area_path
from app.web.i18n import gettext as translate
from app.web.page_errors import LoginRequired, PageReply
from app.web.templates import render_error_page

PAGE_HEADERS: Final = {
    # Signed-in pages show personal data and carry CSRF tokens: never store them.
    "Cache-Control": "no-store",
    # Browsers then send our real origin with our own form posts (with `no-referrer` they
    # would send `Origin: null`), and still nothing to other sites.
    "Referrer-Policy": "same-origin",
}


def page_db(request: Request, session: SessionDep) -> Session:
    """The request's database session, remembered on the request so that
    `SessionPageRoute` can roll it back before it answers an error with a page."""
    request.state.page_db = session
    return session


PageDb = Annotated[Session, Depends(page_db)]


def request_language(request: Request) -> Language:
    """The page language, negotiated as `PageLanguage` does (for pages built here)."""
    return negotiate_language(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )


def app_settings(request: Request) -> Settings:
    """The settings the running app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def renew_session_later(request: Request, token: str) -> None:
    """Leave a renewed session cookie for `SessionPageRoute` to set on the answer."""
    request.state.renewed_session = token


async def _roll_back(request: Request) -> None:
    session: Session | None = getattr(request.state, "page_db", None)
    if session is not None:
        await run_in_threadpool(session.rollback)


class SessionPageRoute(ProblemRoute):
    """A signed-in page route: HTML errors, a rolled-back transaction on error, renewed
    session cookies and the `PAGE_HEADERS` on every answer. Each area subclasses it with
    its `realm` and its explanations of `refusals`."""

    realm: ClassVar[sessions.SessionRealm]
    refusals: ClassVar[tuple[tuple[type[AppError], str], ...]] = ()
    """What the error page says about each kind of refusal, in the area's words: pairs of an
    error class and a message id; any other error gets the standard text of its status."""

    def login_url(
        self, request: Request, language: Language, *, target: str | None, expired: bool
    ) -> str:
        """The area's sign-in page, returning to `target` afterwards (and saying that the
        session expired, when it did)."""
        done = "expired" if expired else None
        return area_path(request, self.realm, "/login", language=language, next=target, done=done)

    def refusal_detail(self, error: AppError, language: Language) -> str | None:
        """What the error page says about a refusal (None: the status's standard text)."""
        for refusal, message in self.refusals:
            if isinstance(error, refusal):
                return translate(language, message)
        return None

    def _login_redirect(self, request: Request, language: Language) -> Response:
        target = None
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        expired = self.realm.session_cookie in request.cookies
        url = self.login_url(request, language, target=target, expired=expired)
        response = Response(status_code=303, headers={"Location": url})
        if expired:
            sessions.clear_session_cookie(response, self.realm, app_settings(request), request)
        return response

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
                response = self._login_redirect(request, request_language(request))
            except RequestValidationError:
                await _roll_back(request)
                response = render_error_page(
                    request, status_code=400, language=request_language(request)
                )
            except AppError as error:
                await _roll_back(request)
                language = request_language(request)
                response = render_error_page(
                    request,
                    status_code=error.status,
                    language=language,
                    detail=self.refusal_detail(error, language),
                    headers=error.headers,
                )
            renewed: str | None = getattr(request.state, "renewed_session", None)
            if renewed is not None and self.realm.session_cookie not in _cookies_set(response):
                sessions.set_session_cookie(
                    response, self.realm, renewed, app_settings(request), request
                )
            response.headers.update(PAGE_HEADERS)
            return response

        return route_handler


def _cookies_set(response: Response) -> set[str]:
    names = set()
    for key, value in response.raw_headers:
        if key.lower() == b"set-cookie":
            names.add(value.decode("latin-1").split("=", 1)[0].strip())
    return names
