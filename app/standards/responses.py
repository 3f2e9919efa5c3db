"""How a stored standard is shown: collapsed to one language, summarized for listings."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.fields import Language
from app.standards.localized import LocalizedText
from app.standards.models import Standard

LANGUAGE_KEYS = frozenset(language.value for language in Language)


def localize(value: Any, language: Language) -> Any:
    """Replace every `{en, es, fr}` text in a JSON value by its text in `language`."""
    if isinstance(value, dict):
        if set(value) == LANGUAGE_KEYS:
            return value[language.value]
        return {key: localize(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [localize(item, language) for item in value]
    return value


class StandardListItem(BaseModel):
    """One standard in a listing, with its title in all three languages."""

    code: str
    version: int
    status: str
    sector: str
    nassc_level: int
    validity_years: int
    title: LocalizedText
    countries: list[str]
    url: str


class StandardPage(BaseModel):
    """A page of standards."""

    items: list[StandardListItem]
    page: int
    per_page: int
    total: int
    next: str | None = None
    prev: str | None = None


def list_item(standard: Standard, *, base_url: str) -> StandardListItem:
    """A listing row for `standard`."""
    return StandardListItem(
        code=standard.code,
        version=standard.version,
        status=standard.status,
        sector=standard.sector,
        nassc_level=standard.nassc_level,
        validity_years=standard.validity_years,
        title=LocalizedText(en=standard.title_en, es=standard.title_es, fr=standard.title_fr),
        countries=sorted(delivery.country for delivery in standard.deliveries),
        url=version_url(base_url, standard.code, standard.version),
    )


def version_url(base_url: str, code: str, version: int) -> str:
    """The public URL of one standard version (an Open Badges achievement id)."""
    return f"{base_url}/api/v1/standards/{code}/versions/{version}"


def localized_document(standard: Standard, *, language: Language, base_url: str) -> dict[str, Any]:
    """The full standard in one language, with its status, URL and publication date."""
    document: dict[str, Any] = localize(standard.content, language)
    document.update(
        {
            "status": standard.status,
            "language": language.value,
            "url": version_url(base_url, standard.code, standard.version),
            "case_url": f"{base_url}/api/v1/standards/{standard.code}/case?version="
            f"{standard.version}&lang={language.value}",
            "published_at": standard.published_at,
        }
    )
    return document
