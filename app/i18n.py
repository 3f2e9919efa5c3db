"""Language and country negotiation (`?lang=`, `Accept-Language`) for en, es and fr."""

from __future__ import annotations

from typing import Annotated, Final

from babel import Locale
from fastapi import Depends, Header, Query

from app.fields import Country, Language

SUPPORTED_LANGUAGES: Final = tuple(language.value for language in Language)
DEFAULT_LANGUAGE: Final = Language.en
COUNTRIES: Final = tuple(country.value for country in Country)


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags from an `Accept-Language` header, best first (RFC 9110 section 12.5.4)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate_language(requested: str | None, accept_language: str | None) -> Language:
    """`requested` if supported, else the best match of `Accept-Language`, else English."""
    candidates = [requested] if requested else []
    candidates += parse_accept_language(accept_language)
    for candidate in candidates:
        if not candidate:
            continue
        best = Locale.negotiate([candidate.replace("_", "-")], list(SUPPORTED_LANGUAGES), sep="-")
        if best is not None:
            return _as_language(best.language)
    return DEFAULT_LANGUAGE


def country_from_accept_language(accept_language: str | None) -> str | None:
    """The first US, MX or CA region in `Accept-Language` (`es-MX` → MX, `fr-CA` → CA)."""
    for tag in parse_accept_language(accept_language):
        parts = tag.replace("_", "-").split("-")
        if len(parts) >= 2 and parts[1].upper() in COUNTRIES:
            return parts[1].upper()
    return None


def _as_language(code: str) -> Language:
    return Language(code) if code in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def request_language(
    lang: Annotated[Language | None, Query(description="en, es or fr")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> Language:
    """The response language: `?lang=`, else `Accept-Language`, else English."""
    return negotiate_language(lang, accept_language)


RequestLanguage = Annotated[Language, Depends(request_language)]
