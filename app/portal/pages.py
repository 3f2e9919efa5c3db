"""Rendering portal pages: the portal layout's context, links that keep the language,
and the redirect after a successful action (Post/Redirect/Get)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.fields import Language
from app.portal.dependencies import PortalUser
from app.portal.vocabulary import FORM_ERRORS, ROLE_NAMES
from app.web import form_checks
from app.web.i18n import gettext as translate
from app.web.templates import render_page

PORTAL_PATH: Final = "/portal"

QueryValue = str | int | None


@dataclass(frozen=True, slots=True)
class NavLink:
    """One entry of the portal navigation; the template names it by its `key`."""

    key: str
    url: str
    current: bool


def portal_path(
    request: Request, path: str = "", *, language: Language, **params: QueryValue
) -> str:
    """A host-relative portal URL that keeps the page language (`?lang=`); parameters
    that are None or empty are left out."""
    root_path = request.scope.get("root_path", "")
    query: list[tuple[str, str]] = [("lang", language)]
    query += [(key, str(value)) for key, value in params.items() if value not in (None, "")]
    return f"{root_path}{PORTAL_PATH}{path}?{urlencode(query)}"


def see_other(url: str) -> RedirectResponse:
    """Redirect a posted form to the page that shows its outcome (303: fetch it with GET)."""
    return RedirectResponse(url, status_code=303)


def _navigation(
    request: Request, user: PortalUser, *, language: Language, section: str
) -> list[NavLink]:
    entries = [("dashboard", ""), ("curricula", "/curricula"), ("issue", "/issue")]
    if user.is_admin:
        entries.append(("users", "/users"))
    return [
        NavLink(key=key, url=portal_path(request, path, language=language), current=key == section)
        for key, path in entries
    ]


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
    CSRF token) and `portal_url(path, **params)`."""
    portal: dict[str, Any] = {"user": None, "navigation": [], "csrf_token": None}
    if user is not None:
        portal = {
            "user": user,
            "role_name": translate(language, ROLE_NAMES[user.role]),
            "navigation": _navigation(request, user, language=language, section=section),
            "csrf_token": user.csrf_token,
            "sign_out_url": portal_path(request, "/logout", language=language),
        }
    values = {
        **(context or {}),
        "portal": portal,
        "portal_url": partial(portal_path, request, language=language),
    }
    return render_page(request, template_name, values, language=language, status_code=status_code)


def safe_next(request: Request, value: str | None) -> str | None:
    """`value` if it is a portal page to return to after signing in (never another site)."""
    return form_checks.safe_return(request, value, area_path=PORTAL_PATH)


def form_errors(language: Language, problems: Mapping[str, str]) -> dict[str, str]:
    """Error summary entries: each field (the id it links to) with its message translated;
    `problems` maps fields to keys of `vocabulary.FORM_ERRORS`."""
    return {name: translate(language, FORM_ERRORS[key]) for name, key in problems.items()}
