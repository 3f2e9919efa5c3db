"""Rendering the pages of a signed-in area (the staff console, the provider portal): links
that keep the language, the redirect after a successful action (Post/Redirect/Get), the
layout's context and the error summary of a form.

Each area is named by its `SessionRealm`: its pages live under `realm.path`, and its
templates find the layout's context as `<realm.name>` and a link builder as
`<realm.name>_url(path, **params)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from app.fields import Language
from app.web import form_checks
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.sessions import SessionRealm
from app.web.templates import render_error_page, render_page

QueryValue = str | int | None


class SignedInUser(Protocol):
    """What the layout needs of the person signed in to an area."""

    @property
    def csrf_token(self) -> str:
        """The CSRF token of the forms of their session."""
        ...


@dataclass(frozen=True, slots=True)
class NavLink:
    """One entry of an area's navigation; the template names it by its `key`."""

    key: str
    url: str
    current: bool


def area_path(
    request: Request,
    realm: SessionRealm,
    path: str = "",
    *,
    language: Language,
    **params: QueryValue,
) -> str:
    """A host-relative URL of the area that keeps the page language (`?lang=`).

    Parameters that are None or empty are left out, so filter forms round-trip cleanly.
    """
    root_path = request.scope.get("root_path", "")
    query: list[tuple[str, str]] = [("lang", language)]
    query += [(key, str(value)) for key, value in params.items() if value not in (None, "")]
    return f"{root_path}{realm.path}{path}?{urlencode(query)}"


def see_other(url: str) -> RedirectResponse:
    """Redirect a posted form to the page that shows its outcome (303: fetch it with GET)."""
    return RedirectResponse(url, status_code=303)


def navigation(
    request: Request,
    realm: SessionRealm,
    entries: Iterable[tuple[str, str]],
    *,
    language: Language,
    section: str,
) -> list[NavLink]:
    """The navigation of the area: one link for each `(key, path)`, the `section` current."""
    return [
        NavLink(
            key=key, url=area_path(request, realm, path, language=language), current=key == section
        )
        for key, path in entries
    ]


def signed_in_layout(
    request: Request,
    realm: SessionRealm,
    user: SignedInUser,
    *,
    language: Language,
    role_name: str,
    links: list[NavLink],
) -> dict[str, Any]:
    """The layout's context for a signed-in user (`role_name` is already translated)."""
    return {
        "user": user,
        "role_name": role_name,
        "navigation": links,
        "csrf_token": user.csrf_token,
        "sign_out_url": area_path(request, realm, "/logout", language=language),
    }


def signed_out_layout() -> dict[str, Any]:
    """The layout's context when nobody is signed in (the sign-in pages)."""
    return {"user": None, "navigation": [], "csrf_token": None}


def render_area_page(
    request: Request,
    realm: SessionRealm,
    template_name: str,
    context: Mapping[str, Any] | None,
    *,
    layout: Mapping[str, Any],
    language: Language,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page of the area: `context` plus the `layout` and the link builder."""
    values = {
        **(context or {}),
        realm.name: layout,
        f"{realm.name}_url": partial(area_path, request, realm, language=language),
    }
    return render_page(request, template_name, values, language=language, status_code=status_code)


def safe_next(request: Request, realm: SessionRealm, value: str | None) -> str | None:
    """`value` if it is a page of the area to return to after signing in (never another site)."""
    return form_checks.safe_return(request, value, area_path=realm.path)


def form_errors(
    language: Language, messages: Mapping[str, str], problems: Mapping[str, str]
) -> dict[str, str]:
    """Error summary entries: each field (the id it links to) with its message translated;
    `problems` maps fields to keys of the area's `messages`."""
    return {name: translate(language, messages[key]) for name, key in problems.items()}


def unknown_page_router(realm: SessionRealm, route_class: type[APIRoute]) -> APIRouter:
    """The area's last route: any other address is a 404 page rather than a problem
    document, and the area's root with a trailing slash is its first page."""
    router = APIRouter(route_class=route_class, default_response_class=HTMLResponse)

    @router.get("/{path:path}")
    def unknown_page(request: Request, path: str, language: PageLanguage) -> Response:
        """Any other address of the area: a 404 page (`<area>/` is its first page)."""
        if not path:
            return see_other(area_path(request, realm, language=language))
        return render_error_page(request, status_code=404, language=language)

    return router


@dataclass(frozen=True, slots=True)
class AreaPages:
    """The helpers above for one area: its realm and its messages of form errors."""

    realm: SessionRealm
    form_messages: Mapping[str, str]

    def path(
        self, request: Request, path: str = "", *, language: Language, **params: QueryValue
    ) -> str:
        """A host-relative URL of the area that keeps the page language (see `area_path`)."""
        return area_path(request, self.realm, path, language=language, **params)

    def form_errors(self, language: Language, problems: Mapping[str, str]) -> dict[str, str]:
        """Error summary entries in the area's words (see `form_errors`)."""
        return form_errors(language, self.form_messages, problems)
