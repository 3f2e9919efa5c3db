"""What the catalog index page shows: the search, the filters and one page of standards.

Query values are read leniently: a page form cannot show a problem+json body, so an empty
or unknown value means "no filter" and the form then shows what was really applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeVar
from urllib.parse import urlencode

from app.fields import Country, Language
from app.standards.enums import Sector
from app.standards.models import Standard
from app.standards.page_labels import capitalized, join_list, language_name
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, SECTOR_NAMES

_E = TypeVar("_E", Sector, Country, Language)

CATALOG_PATH: Final = "/standards"
PER_PAGE: Final = 20
MAX_PER_PAGE: Final = 100
MAX_PAGE: Final = 10_000
MAX_QUERY_LENGTH: Final = 200
LEVELS: Final = tuple(range(1, 9))


@dataclass(frozen=True, slots=True)
class CatalogFilters:
    """The catalog's search, filters and page, as applied (see `parse_filters`)."""

    text: str | None = None
    sector: Sector | None = None
    country: Country | None = None
    level: int | None = None
    language: Language | None = None
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        """How many matches the current page skips."""
        return (self.page - 1) * self.per_page

    @property
    def active(self) -> bool:
        """Whether any search or filter narrows the catalog."""
        return any(
            value is not None
            for value in (self.text, self.sector, self.country, self.level, self.language)
        )


def parse_filters(
    *,
    q: str | None,
    sector: str | None,
    country: str | None,
    level: str | None,
    language: str | None,
    page: str | None,
    per_page: str | None,
) -> CatalogFilters:
    """`CatalogFilters` from raw query values, ignoring the ones that do not parse."""
    text = " ".join((q or "").split())[:MAX_QUERY_LENGTH] or None
    return CatalogFilters(
        text=text,
        sector=_member(Sector, sector),
        country=_member(Country, (country or "").upper()),
        level=whole_number(level, 1, LEVELS[-1]),
        language=_member(Language, (language or "").lower()),
        page=whole_number(page, 1, MAX_PAGE) or 1,
        per_page=whole_number(per_page, 1, MAX_PER_PAGE) or PER_PAGE,
    )


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a filter's `<select>`."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """One standard in the catalog list."""

    code: str
    version: int
    title: str
    sector: str
    level: int
    countries: str
    url: str


@dataclass(frozen=True, slots=True)
class CatalogView:
    """Everything `standards/index.html` shows."""

    filters: CatalogFilters
    rows: list[CatalogRow]
    total: int
    page: int
    pages: int
    sectors: list[Choice]
    countries: list[Choice]
    levels: list[Choice]
    languages: list[Choice]
    action_url: str
    clear_url: str
    api_url: str


def catalog_view(
    standards: list[Standard],
    *,
    total: int,
    filters: CatalogFilters,
    language: Language,
    root_path: str,
    keep: dict[str, str],
) -> CatalogView:
    """The catalog page for one page of `standards` out of `total` matches.

    `keep` holds the query parameters a link to a standard carries on (the page language
    and the country filter, which the standard's page then puts first).
    """
    rows = [
        CatalogRow(
            code=standard.code,
            version=standard.version,
            title=_title_of(standard, language),
            sector=sector_name(standard.sector, language),
            level=standard.nassc_level,
            countries=join_list(
                [
                    translate(language, COUNTRY_NAMES[country])
                    for country in Country
                    if country.value in {delivery.country for delivery in standard.deliveries}
                ],
                language,
            ),
            url=page_url(root_path, f"{CATALOG_PATH}/{standard.code}", **keep),
        )
        for standard in standards
    ]
    return CatalogView(
        filters=filters,
        rows=rows,
        total=total,
        page=filters.page,
        pages=max(1, -(-total // filters.per_page)),
        sectors=[
            Choice(s.value, translate(language, SECTOR_NAMES[s]), s is filters.sector)
            for s in Sector
        ],
        countries=[
            Choice(c.value, translate(language, COUNTRY_NAMES[c]), c is filters.country)
            for c in Country
        ],
        levels=[Choice(str(n), str(n), n == filters.level) for n in LEVELS],
        languages=[
            Choice(code.value, capitalized(language_name(code, language)), code is filters.language)
            for code in Language
        ],
        action_url=page_url(root_path, CATALOG_PATH),
        clear_url=page_url(root_path, CATALOG_PATH, lang=keep.get("lang")),
        api_url=page_url(
            root_path,
            "/api/v1/standards",
            q=filters.text,
            sector=filters.sector,
            country=filters.country,
            level=filters.level,
            language=filters.language,
        ),
    )


def page_url(root_path: str, path: str, **params: object) -> str:
    """A host-relative link to `path` with the given (non-empty) query parameters."""
    query = urlencode({key: str(value) for key, value in params.items() if value is not None})
    return f"{root_path}{path}" + (f"?{query}" if query else "")


def sector_name(value: str, language: Language) -> str:
    """A stored sector slug named in the page language (the slug itself if unknown)."""
    sector = _member(Sector, value)
    return translate(language, SECTOR_NAMES[sector]) if sector else value


def _title_of(standard: Standard, language: Language) -> str:
    titles = {"en": standard.title_en, "es": standard.title_es, "fr": standard.title_fr}
    return titles[language]


def _member(kind: type[_E], value: str | None) -> _E | None:
    if not value:
        return None
    try:
        return kind(value.strip())
    except ValueError:
        return None


def whole_number(value: str | None, low: int, high: int) -> int | None:
    """`value` as a whole number from `low` to `high`, or None if it is not one."""
    if value is None or not value.strip().isdecimal() or len(value.strip()) > 9:
        return None
    number = int(value.strip())
    return number if low <= number <= high else None
