"""Errors of the signed-in pages (console, portal); `app.web.page_route.SessionPageRoute`
answers them as pages."""

from __future__ import annotations

from starlette.responses import Response

from app.errors import Forbidden, Unauthorized


class LoginRequired(Unauthorized):
    """No valid session: the area redirects to its sign-in page."""

    slug = "page-login-required"
    title = "Sign-in required"


class CsrfRejected(Forbidden):
    """A form without the session's CSRF token, or posted from another origin."""

    slug = "page-csrf-rejected"
    title = "The form did not come from this service"


class RoleNotAllowed(Forbidden):
    """The signed-in user's role may not see this page or take this action."""

    slug = "page-role-not-allowed"
    title = "Not allowed for this role"


class PageReply(Exception):
    """A page to answer with after rolling the request's transaction back.

    Raised by a route that re-shows a form with what went wrong (a curriculum with gaps, a
    missing reason), so that nothing the failed action wrote is committed.
    """

    def __init__(self, response: Response) -> None:
        super().__init__("page reply")
        self.response = response
