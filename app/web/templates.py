"""Server-rendered pages: one Jinja2 environment per language, and `render_page`.

Each language gets its own environment with its translations installed, rather than one
environment whose gettext is swapped per request: that is safe under concurrency, and
macros imported without context are translated too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, pass_context
from jinja2.runtime import Context

from app.fields import Language
from app.web import formatting
from app.web.i18n import LANGUAGES, get_translations
from app.web.i18n import gettext as translate
from app.web.standing import STANDING_NAMES, Standing
from app.web.vocabulary import error_text

TEMPLATES_DIR: Final = Path(__file__).resolve().parent.parent / "templates"
STATIC_PATH: Final = "/static"

LANGUAGE_NAMES: Final = {Language.en: "English", Language.es: "Español", Language.fr: "Français"}
"""Each language named in itself, so readers find their own whatever the page language."""

PAGE_CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""Pages run no script at all, so nothing injected into one can run either."""

PAGE_SECURITY_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": PAGE_CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Verification and claim URLs carry credential ids; they must not leak to other sites.
    "Referrer-Policy": "no-referrer",
}

LAYOUT_KEYS: Final = frozenset(
    {"request", "lang", "format_locale", "language_links", "query_url", "static_url", "home_url"}
)
"""Context names `render_page` sets itself; a page's context may not use them."""


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher."""

    code: Language
    name: str
    url: str
    current: bool


def build_environment(language: Language, *, strict: bool) -> Environment:
    """A Jinja2 environment for `language`: autoescaped, translated, with format filters.

    `strict` makes a misspelt or missing variable an error instead of an empty string.
    """
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        # Every template is HTML; escaping by default means a forgotten `|e` is not an XSS.
        autoescape=True,
        undefined=StrictUndefined if strict else Undefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=strict,
    )
    # Added at run time by the i18n extension, so the type checker cannot see it. newstyle:
    # `_("Hello %(name)s", name=x)` escapes `x` and fails loudly on a missing placeholder.
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        get_translations(language), newstyle=True
    )
    # `{% trans %}` blocks ignore line breaks and indentation, so a template can be
    # re-indented without changing (and untranslating) its msgids; babel.cfg agrees.
    environment.policies["ext.i18n.trimmed"] = True
    environment.globals["format_locale"] = formatting.DEFAULT_LOCALES[language]
    environment.filters["date"] = _date_filter
    environment.filters["datetime"] = _datetime_filter
    environment.filters["number"] = _number_filter
    environment.filters["percent"] = _percent_filter
    environment.filters["score"] = _score_filter
    environment.filters["standing"] = partial(_standing_filter, language)
    return environment


def get_environment(language: Language, *, strict: bool = True) -> Environment:
    """The environment of `language`, built once per process (and per strictness)."""
    return _cached_environment(language, strict)


@lru_cache(maxsize=2 * len(LANGUAGES))
def _cached_environment(language: Language, strict: bool) -> Environment:
    # Positional arguments only: lru_cache keys `f(x)` and `f(x, strict=True)` apart.
    return build_environment(language, strict=strict)


def url_with_query(request: Request, **changes: str | int | None) -> str:
    """This page's path and query with some parameters replaced (`None` removes one).

    The result is relative to the host, so it never echoes a forged `Host` header.
    """
    kept = [(key, value) for key, value in request.query_params.multi_items() if key not in changes]
    kept += [(key, str(value)) for key, value in changes.items() if value is not None]
    query = urlencode(kept)
    return request.url.path + (f"?{query}" if query else "")


def language_links(request: Request, current: Language) -> list[LanguageLink]:
    """The language switcher: this page in every language, other parameters kept."""
    return [
        LanguageLink(
            code=code,
            name=LANGUAGE_NAMES[code],
            url=url_with_query(request, lang=code),
            current=code == current,
        )
        for code in LANGUAGES
    ]


def page_context(
    request: Request,
    context: Mapping[str, Any] | None = None,
    *,
    language: Language,
    country: str | None = None,
) -> dict[str, Any]:
    """`context` plus what the layout needs (`LAYOUT_KEYS`), which `context` may not reuse."""
    merged = dict(context or {})
    clashes = LAYOUT_KEYS & merged.keys()
    if clashes:
        raise ValueError(f"context keys reserved by the layout: {', '.join(sorted(clashes))}")
    root_path = request.scope.get("root_path", "")
    merged.update(
        request=request,
        lang=language,
        format_locale=formatting.formatting_locale(language, country),
        language_links=language_links(request, language),
        query_url=partial(url_with_query, request),
        static_url=partial(_static_url, root_path),
        home_url=f"{root_path}/"
        + (f"?lang={language}" if request.query_params.get("lang") else ""),
    )
    return merged


def render_page(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    language: Language,
    country: str | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render `template_name` in `language` as a page with the layout's context and headers.

    `country` (the reader's, when known) chooses date and number conventions.
    """
    values = page_context(request, context, language=language, country=country)
    template = environment_for(request, language).get_template(template_name)
    response_headers = {
        **PAGE_SECURITY_HEADERS,
        "Content-Language": language,
        # The same URL answers in another language for another Accept-Language.
        "Vary": "Accept-Language",
        **(headers or {}),
    }
    return HTMLResponse(template.render(values), status_code=status_code, headers=response_headers)


def render_error_page(
    request: Request,
    *,
    status_code: int,
    language: Language,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """An HTML error page for `status_code` in `language` (`error.html`).

    `detail` replaces the standard explanation; pass text already translated.
    """
    texts = error_text(status_code)
    return render_page(
        request,
        "error.html",
        {
            "status_code": status_code,
            "error_title": translate(language, texts.title),
            "error_detail": detail or translate(language, texts.detail),
        },
        language=language,
        status_code=status_code,
        headers=headers,
    )


def environment_for(request: Request, language: Language) -> Environment:
    """The environment `render_page` uses: strict everywhere but in production.

    Tests and development fail on a missing variable; production renders a blank instead
    of failing a reader's page.
    """
    app = request.scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    production = getattr(settings, "environment", "development") == "production"
    return get_environment(language, strict=not production)


def _static_url(root_path: str, path: str) -> str:
    return f"{root_path}{STATIC_PATH}/{path.lstrip('/')}"


def _locale_of(context: Context) -> str:
    return str(context.resolve("format_locale"))


@pass_context
def _date_filter(context: Context, value: date | datetime, format: str = "long") -> str:
    return formatting.format_date(value, locale=_locale_of(context), format=_date_format(format))


@pass_context
def _datetime_filter(context: Context, value: datetime, format: str = "medium") -> str:
    # A page whose reader has a time zone (the portal's: their provider's) sets `time_zone`.
    zone = context.get("time_zone")
    return formatting.format_datetime(
        value,
        locale=_locale_of(context),
        format=_date_format(format),
        timezone=formatting.time_zone(zone) if isinstance(zone, str) else UTC,
    )


@pass_context
def _number_filter(context: Context, value: int | float | Decimal) -> str:
    return formatting.format_number(value, locale=_locale_of(context))


@pass_context
def _percent_filter(context: Context, value: int | float | Decimal) -> str:
    return formatting.format_percent(value, locale=_locale_of(context))


@pass_context
def _score_filter(context: Context, value: int | float) -> str:
    return formatting.format_score(value, locale=_locale_of(context))


def _standing_filter(language: Language, value: str) -> str:
    """A standing (`app.web.standing`) in words; an unknown value is shown as it is."""
    try:
        return translate(language, STANDING_NAMES[Standing(value)])
    except ValueError:
        return value


def _date_format(name: str) -> formatting.DateFormat:
    try:
        return _DATE_FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown date format {name!r}") from None


_DATE_FORMATS: Final[dict[str, formatting.DateFormat]] = {
    "short": "short",
    "medium": "medium",
    "long": "long",
    "full": "full",
}
