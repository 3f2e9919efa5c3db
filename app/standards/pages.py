"""The public HTML catalog of harmonized standards, in English, Spanish and French.

`GET /standards` lists and searches the published standards; `GET /standards/{code}` shows
one in full. Both read the registry through `app.standards.service`, as the JSON API does,
and take the same query parameters as `GET /api/v1/standards`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from app.auth.dependencies import SettingsDep
from app.db import SessionDep
from app.fields import Country
from app.routing import ProblemRoute
from app.standards import service
from app.standards.catalog_view import CatalogFilters, catalog_view, parse_filters
from app.standards.errors import StandardNotFound
from app.standards.page_labels import NO_SUCH_STANDARD, NO_SUCH_VERSION
from app.standards.standard_view import parse_version, standard_view
from app.web.dependencies import PageCountry, PageLanguage
from app.web.i18n import gettext as translate
from app.web.templates import render_error_page, render_page

router = APIRouter(tags=["pages"], route_class=ProblemRoute, default_response_class=HTMLResponse)


def catalog_filters(
    q: Annotated[str | None, Query(description="Text search")] = None,
    sector: Annotated[str | None, Query(description="Sector slug")] = None,
    country: Annotated[str | None, Query(description="Delivered in: US, MX or CA")] = None,
    level: Annotated[str | None, Query(description="NASSC level, 1 to 8")] = None,
    language: Annotated[str | None, Query(description="Language of instruction")] = None,
    page: Annotated[str | None, Query(description="Page number")] = None,
    per_page: Annotated[str | None, Query(description="Standards per page, up to 100")] = None,
) -> CatalogFilters:
    """The catalog's search and filters; values that do not parse are ignored."""
    return parse_filters(
        q=q,
        sector=sector,
        country=country,
        level=level,
        language=language,
        page=page,
        per_page=per_page,
    )


CatalogQuery = Annotated[CatalogFilters, Depends(catalog_filters)]


@router.get("/standards", name="standards_catalog_page")
def catalog_page(
    request: Request,
    session: SessionDep,
    language: PageLanguage,
    country: PageCountry,
    filters: CatalogQuery,
) -> HTMLResponse:
    """The catalog page: search, filters and one page of published standards."""
    result = service.list_standards(
        session,
        sector=filters.sector,
        country=filters.country,
        level=filters.level,
        language=filters.language,
        text=filters.text,
        offset=filters.offset,
        limit=filters.per_page,
    )
    view = catalog_view(
        result.items,
        total=result.total,
        filters=filters,
        language=language,
        root_path=_root_path(request),
        keep=_kept(request, language, country=filters.country),
    )
    return render_page(
        request, "standards/index.html", {"catalog": view}, language=language, country=country
    )


@router.get("/standards/{code}", name="standard_page")
def standard_page(
    code: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    language: PageLanguage,
    country: PageCountry,
    version: Annotated[str | None, Query(description="A version; else the newest")] = None,
) -> HTMLResponse:
    """One standard in the page language, with the reader's country first."""
    version = (version or "").strip() or None
    number = parse_version(version)
    if version is not None and number is None:
        return _not_found(request, language=language, code=code, version=version)
    try:
        standard = service.get_standard(session, code=code, version=number)
    except StandardNotFound:
        return _not_found(request, language=language, code=code, version=version)
    view = standard_view(
        standard,
        service.to_schema(standard),
        language=language,
        reader_country=country,
        root_path=_root_path(request),
        base_url=settings.public_base_url,
        keep=_kept(request, language),
    )
    return render_page(
        request, "standards/detail.html", {"standard": view}, language=language, country=country
    )


def _not_found(
    request: Request, *, language: PageLanguage, code: str, version: str | None
) -> HTMLResponse:
    if version is None:
        detail = translate(language, NO_SUCH_STANDARD, code=code)
    else:
        detail = translate(language, NO_SUCH_VERSION, code=code, version=version)
    return render_error_page(request, status_code=404, language=language, detail=detail)


def _root_path(request: Request) -> str:
    return str(request.scope.get("root_path", ""))


def _kept(
    request: Request, language: PageLanguage, *, country: Country | None = None
) -> dict[str, str]:
    """What links to other catalog pages carry on: a language chosen with `?lang=`, and
    the country the catalog is filtered by (which the standard's page then puts first)."""
    kept = {"lang": language} if "lang" in request.query_params else {}
    return kept | ({"country": country.value} if country else {})
