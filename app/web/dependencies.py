"""Request dependencies of pages: the reader's language and, when known, country."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from app.fields import Country, Language
from app.i18n import country_from_accept_language, negotiate_language


def page_language(
    request: Request,
    lang: Annotated[
        str | None,
        Query(description="Page language: en, es or fr (else from Accept-Language)."),
    ] = None,
) -> Language:
    """`?lang=` when it names a supported language, else the best of `Accept-Language`."""
    return negotiate_language(lang, request.headers.get("accept-language"))


def page_country(
    request: Request,
    country: Annotated[
        str | None,
        Query(description="Reader's country: US, MX or CA (else from Accept-Language)."),
    ] = None,
) -> Country | None:
    """`?country=` when it is US, MX or CA, else the region of `Accept-Language`, else None."""
    header_country = country_from_accept_language(request.headers.get("accept-language"))
    return _as_country(country) or _as_country(header_country)


def _as_country(value: str | None) -> Country | None:
    if not value:
        return None
    try:
        return Country(value.strip().upper())
    except ValueError:
        return None


PageLanguage = Annotated[Language, Depends(page_language)]
"""The language to render a page in."""

PageCountry = Annotated[Country | None, Depends(page_country)]
"""The reader's country (for dates, numbers and "what this means in your country")."""
