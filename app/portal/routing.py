"""The route class of portal pages: `SessionPageRoute` for the portal's realm, whose
refusals are explained in the portal's words."""

from __future__ import annotations

from app.portal.session import PORTAL
from app.portal.vocabulary import PAGE_ERRORS
from app.provider_users.errors import InvitationNotValid, ResetLinkNotValid
from app.web.page_errors import CsrfRejected, RoleNotAllowed
from app.web.page_route import SessionPageRoute


class PortalRoute(SessionPageRoute):
    """A portal page route (see `SessionPageRoute`)."""

    realm = PORTAL
    refusals = (
        (CsrfRejected, PAGE_ERRORS["csrf"]),
        (RoleNotAllowed, PAGE_ERRORS["role"]),
        (InvitationNotValid, PAGE_ERRORS["invitation"]),
        (ResetLinkNotValid, PAGE_ERRORS["reset-link"]),
    )
