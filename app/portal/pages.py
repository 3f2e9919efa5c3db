"""Rendering portal pages (`app.web.area_pages` for the portal's realm): the portal layout's
context with its navigation, links that keep the language, and form errors in the portal's
words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.fields import Language
from app.portal.dependencies import PortalUser
from app.portal.session import PORTAL
from app.portal.vocabulary import FORM_ERRORS, ROLE_NAMES
from app.web import area_pages, formatting
from app.web.area_pages import NavLink, see_other
from app.web.i18n import gettext as translate

PORTAL_PATH: Final = PORTAL.path
PORTAL_PAGES: Final = area_pages.AreaPages(PORTAL, FORM_ERRORS)

portal_path = PORTAL_PAGES.path
form_errors = PORTAL_PAGES.form_errors
"""Error summary entries in the portal's words (`problems` maps fields to keys of
`vocabulary.FORM_ERRORS`)."""

__all__ = ["PORTAL_PATH", "form_errors", "portal_path", "render_portal", "see_other"]


@dataclass(frozen=True, slots=True)
class ZoneWords:
    """The time zone of a page's times: its IANA id and what people call it."""

    id: str
    name: str


def _navigation(
    request: Request, user: PortalUser, *, language: Language, section: str
) -> list[NavLink]:
    entries = [
        ("dashboard", ""),
        ("curricula", "/curricula"),
        ("issue", "/issue"),
        ("credentials", "/credentials"),
    ]
    if user.is_admin:
        entries += [("users", "/users"), ("clients", "/clients")]
    return area_pages.navigation(request, PORTAL, entries, language=language, section=section)


def render_portal(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    language: Language,
    user: PortalUser | None,
    section: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """Render a portal page: `context` plus `portal` (the user, their provider, navigation,
    CSRF token, the time zone the page's times are in) and `portal_url(path, **params)`."""
    layout = area_pages.signed_out_layout()
    values = dict(context or {})
    if user is not None:
        layout = area_pages.signed_in_layout(
            request,
            PORTAL,
            user,
            language=language,
            role_name=translate(language, ROLE_NAMES[user.role]),
            links=_navigation(request, user, language=language, section=section),
        )
        locale = formatting.DEFAULT_LOCALES[language]
        layout["time_zone"] = ZoneWords(
            id=user.time_zone, name=formatting.time_zone_name(user.time_zone, locale=locale)
        )
        values["time_zone"] = user.time_zone
    return area_pages.render_area_page(
        request,
        PORTAL,
        template_name,
        values,
        layout=layout,
        language=language,
        status_code=status_code,
    )
