"""Rendering console pages (`app.web.area_pages` for the console's realm): the console
layout's context with its navigation, links that keep the language, and form errors in the
console's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.auth.roles import Role
from app.console.dependencies import ConsoleUser
from app.console.session import CONSOLE
from app.console.vocabulary import FORM_ERRORS, ROLE_NAMES
from app.fields import Language
from app.web import area_pages
from app.web.area_pages import NavLink, see_other
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, SECTOR_NAMES

CONSOLE_PATH: Final = CONSOLE.path
CONSOLE_PAGES: Final = area_pages.AreaPages(CONSOLE, FORM_ERRORS)

console_path = CONSOLE_PAGES.path
form_errors = CONSOLE_PAGES.form_errors
"""Error summary entries in the console's words (`problems` maps fields to keys of
`vocabulary.FORM_ERRORS`)."""

__all__ = ["CONSOLE_PATH", "console_path", "form_errors", "render_console", "see_other"]


def _navigation(
    request: Request, user: ConsoleUser, *, language: Language, section: str
) -> list[NavLink]:
    entries = [("dashboard", ""), ("curricula", "/curricula"), ("credentials", "/credentials")]
    entries += [("revocation-requests", "/revocation-requests")]
    entries += [("providers", "/providers"), ("standards", "/standards")]
    if user.role is Role.admin:
        entries.append(("users", "/users"))
    entries.append(("keys", "/keys"))
    if user.can_read_audit:
        entries.append(("audit", "/audit"))
    return area_pages.navigation(request, CONSOLE, entries, language=language, section=section)


def render_console(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    language: Language,
    user: ConsoleUser | None,
    section: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """Render a console page: `context` plus `console` (the user, navigation, CSRF token,
    sector and country names) and `console_url(path, **params)`."""
    layout = area_pages.signed_out_layout()
    if user is not None:
        layout = area_pages.signed_in_layout(
            request,
            CONSOLE,
            user,
            language=language,
            role_name=translate(language, ROLE_NAMES[user.role]),
            links=_navigation(request, user, language=language, section=section),
        )
    layout["sector_names"] = {
        sector.value: translate(language, label) for sector, label in SECTOR_NAMES.items()
    }
    layout["country_names"] = {
        country.value: translate(language, label) for country, label in COUNTRY_NAMES.items()
    }
    return area_pages.render_area_page(
        request,
        CONSOLE,
        template_name,
        context,
        layout=layout,
        language=language,
        status_code=status_code,
    )
