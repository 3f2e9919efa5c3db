"""The route class of console pages: `SessionPageRoute` for the console's realm, whose
refusals are explained in the console's words."""

from __future__ import annotations

from app.console.session import CONSOLE
from app.console.vocabulary import PAGE_ERRORS
from app.web.page_errors import CsrfRejected, RoleNotAllowed
from app.web.page_route import SessionPageRoute


class ConsoleRoute(SessionPageRoute):
    """A console page route (see `SessionPageRoute`)."""

    realm = CONSOLE
    refusals = ((CsrfRejected, PAGE_ERRORS["csrf"]), (RoleNotAllowed, PAGE_ERRORS["role"]))
