"""The route class of console pages: `SessionPageRoute` for the console's realm, whose
refusals are explained in the console's words."""

from __future__ import annotations

from fastapi import Request

from app.console.pages import console_path
from app.console.session import CONSOLE
from app.console.vocabulary import PAGE_ERRORS
from app.errors import AppError
from app.fields import Language
from app.web.i18n import gettext as translate
from app.web.page_errors import CsrfRejected, RoleNotAllowed
from app.web.page_route import SessionPageRoute


class ConsoleRoute(SessionPageRoute):
    """A console page route (see `SessionPageRoute`)."""

    realm = CONSOLE

    def login_url(
        self, request: Request, language: Language, *, target: str | None, expired: bool
    ) -> str:
        return console_path(
            request, "/login", language=language, next=target, done="expired" if expired else None
        )

    def refusal_detail(self, error: AppError, language: Language) -> str | None:
        if isinstance(error, CsrfRejected):
            return translate(language, PAGE_ERRORS["csrf"])
        if isinstance(error, RoleNotAllowed):
            return translate(language, PAGE_ERRORS["role"])
        return None
