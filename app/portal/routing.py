"""The route class of portal pages: `SessionPageRoute` for the portal's realm, whose
refusals are explained in the portal's words."""

from __future__ import annotations

from fastapi import Request

from app.errors import AppError
from app.fields import Language
from app.portal.pages import portal_path
from app.portal.session import PORTAL
from app.portal.vocabulary import PAGE_ERRORS
from app.provider_users.errors import InvitationNotValid
from app.web.i18n import gettext as translate
from app.web.page_errors import CsrfRejected, RoleNotAllowed
from app.web.page_route import SessionPageRoute


class PortalRoute(SessionPageRoute):
    """A portal page route (see `SessionPageRoute`)."""

    realm = PORTAL

    def login_url(
        self, request: Request, language: Language, *, target: str | None, expired: bool
    ) -> str:
        return portal_path(
            request, "/login", language=language, next=target, done="expired" if expired else None
        )

    def refusal_detail(self, error: AppError, language: Language) -> str | None:
        if isinstance(error, CsrfRejected):
            return translate(language, PAGE_ERRORS["csrf"])
        if isinstance(error, RoleNotAllowed):
            return translate(language, PAGE_ERRORS["role"])
        if isinstance(error, InvitationNotValid):
            return translate(language, PAGE_ERRORS["invitation"])
        return None
