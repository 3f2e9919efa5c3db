"""Public read API of the standards registry, and the staff admin API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse

from app.auth.dependencies import SettingsDep, StaffReader, StaffWriter
from app.db import SessionDep, utcnow
from app.fields import Country, DbId, Language
from app.i18n import RequestLanguage
from app.routing import ProblemRoute
from app.standards import case_nodes, service
from app.standards.case import Collection, build_case_package
from app.standards.enums import Sector, StandardStatus
from app.standards.models import Standard
from app.standards.responses import StandardPage, list_item, localized_document
from app.standards.schemas import StandardCreate
from app.web.negotiation import prefers_html

public_router = APIRouter(prefix="/api/v1/standards", tags=["standards"], route_class=ProblemRoute)
admin_router = APIRouter(
    prefix="/api/v1/admin/standards", tags=["standards admin"], route_class=ProblemRoute
)

PerPage = Annotated[int, Query(ge=1, le=100)]
PageNumber = Annotated[int, Query(ge=1, le=10_000)]


@dataclass(frozen=True, slots=True)
class Paging:
    """The page of a listing a request asks for, and the links to its neighbours."""

    request: Request
    number: int
    per_page: int
    base_url: str

    @property
    def offset(self) -> int:
        """How many items the earlier pages hold."""
        return (self.number - 1) * self.per_page

    def page_of(self, result: service.Page) -> StandardPage:
        """`result` as a page with `next` and `prev` links (the query kept)."""

        def link(target: int) -> str:
            params = dict(self.request.query_params)
            params.update(page=str(target), per_page=str(self.per_page))
            return f"{self.base_url}{self.request.url.path}?{urlencode(params)}"

        last = max(1, -(-result.total // self.per_page))
        return StandardPage(
            items=[list_item(standard, base_url=self.base_url) for standard in result.items],
            page=self.number,
            per_page=self.per_page,
            total=result.total,
            next=link(self.number + 1) if self.number < last else None,
            prev=link(self.number - 1) if self.number > 1 else None,
        )


def _paging(
    request: Request, settings: SettingsDep, page: PageNumber = 1, per_page: PerPage = 20
) -> Paging:
    return Paging(request, page, per_page, settings.public_base_url)


PagingDep = Annotated[Paging, Depends(_paging)]


def _published_standard(code: str, session: SessionDep, version: DbId | None = None) -> Standard:
    return service.get_standard(session, code=code, version=version)


PublishedStandard = Annotated[Standard, Depends(_published_standard)]
"""The standard the path names: its newest published version, or `version` (published or
retired); 404 `standard-not-found` otherwise."""


@public_router.get("", response_model=StandardPage)
def list_standards(
    session: SessionDep,
    paging: PagingDep,
    sector: Sector | None = None,
    country: Country | None = None,
    level: Annotated[int | None, Query(ge=1, le=8)] = None,
    language: Language | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Text search")] = None,
) -> StandardPage:
    """Published standards, filtered by sector, delivery country, NASSC level, language of
    instruction and text, with their titles in English, Spanish and French."""
    result = service.list_standards(
        session,
        sector=sector,
        country=country,
        level=level,
        language=language,
        text=q,
        offset=paging.offset,
        limit=paging.per_page,
    )
    return paging.page_of(result)


@public_router.get(
    "/{code}",
    response_model=None,
    responses={303: {"description": "A browser (Accept prefers HTML): the standard's page"}},
)
@public_router.get("/{code}/versions/{version}", include_in_schema=False, response_model=None)
def read_standard(
    standard: PublishedStandard,
    request: Request,
    settings: SettingsDep,
    language: RequestLanguage,
) -> Response:
    """One standard (the newest published version, or `?version=`) in the requested language.

    A browser (whose `Accept` ranks HTML above JSON) is sent to the standard's page (303):
    credentials name this address as their achievement's id, and people open it too.
    """
    if prefers_html(request.headers.get("accept")):
        page = f"{request.scope.get('root_path', '')}/standards/{quote(standard.code, safe='')}"
        query = urlencode({"version": standard.version, "lang": language})
        return RedirectResponse(f"{page}?{query}", status_code=303, headers={"Vary": "Accept"})
    document = localized_document(standard, language=language, base_url=settings.public_base_url)
    return JSONResponse(
        _jsonable(document), headers={"Content-Language": language, "Vary": "Accept-Language"}
    )


@public_router.get("/{code}/case")
def read_standard_case(
    standard: PublishedStandard, settings: SettingsDep, language: RequestLanguage
) -> JSONResponse:
    """The standard as a 1EdTech CASE 1.0 package (CFDocument, CFItems, CFAssociations)."""
    package = build_case_package(
        service.to_schema(standard),
        base_url=settings.public_base_url,
        lang=language,
        last_change_date_time=standard.published_at or standard.updated_at,
    )
    return JSONResponse(package, headers={"Content-Language": language})


@public_router.get(
    "/{code}/case/{collection}/{identifier}",
    responses={404: {"description": "No such standard or node"}},
)
def read_case_node(
    code: str, collection: Collection, identifier: str, session: SessionDep, settings: SettingsDep
) -> JSONResponse:
    """One node of the standard's CASE 1.0 packages by its URI: the CFItem an Open Badges
    alignment's `targetUrl` names, a CFDocument, CFAssociation, definition or the package."""
    node, language = case_nodes.case_node(
        session,
        code=code,
        collection=collection,
        identifier=identifier,
        base_url=settings.public_base_url,
    )
    return JSONResponse(
        node, headers={"Content-Language": language, "Access-Control-Allow-Origin": "*"}
    )


def _jsonable(document: dict[str, Any]) -> dict[str, Any]:
    encoded: dict[str, Any] = jsonable_encoder(document)
    return encoded


def _full(standard: Standard, status_code: int = 200) -> JSONResponse:
    """A standard version in all three languages, as staff edit it."""
    return JSONResponse(
        service.to_schema(standard).model_dump(mode="json"), status_code=status_code
    )


@admin_router.get("", response_model=StandardPage)
def admin_list_standards(
    session: SessionDep,
    paging: PagingDep,
    _staff: StaffReader,
    status_: Annotated[StandardStatus | None, Query(alias="status")] = None,
    sector: Sector | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> StandardPage:
    """Every standard version, drafts and retired ones included."""
    statuses = (status_,) if status_ else tuple(StandardStatus)
    result = service.list_standards(
        session,
        sector=sector,
        text=q,
        statuses=statuses,
        offset=paging.offset,
        limit=paging.per_page,
    )
    return paging.page_of(result)


@admin_router.get("/{code}/versions/{version}")
def admin_read_standard(
    code: str, version: DbId, session: SessionDep, _staff: StaffReader
) -> JSONResponse:
    """One version in all three languages, drafts included."""
    standard = service.get_standard(session, code=code, version=version, include_drafts=True)
    return _full(standard)


@admin_router.post("", status_code=status.HTTP_201_CREATED)
def create_standard(body: StandardCreate, session: SessionDep, staff: StaffWriter) -> JSONResponse:
    """Create a standard version (a draft unless the body says otherwise)."""
    standard = service.create_standard(session, data=body, now=utcnow(), actor=staff)
    return _full(standard, status_code=201)


@admin_router.put("/{code}/versions/{version}")
def update_standard(
    code: str, version: DbId, body: StandardCreate, session: SessionDep, staff: StaffWriter
) -> JSONResponse:
    """Replace a draft; published versions are immutable (409)."""
    standard = service.update_standard(
        session, code=code, version=version, data=body, actor=staff, now=utcnow()
    )
    return _full(standard)


@admin_router.post("/{code}/versions/{version}/publish")
def publish_standard(
    code: str, version: DbId, session: SessionDep, staff: StaffWriter
) -> JSONResponse:
    """Publish a complete draft; from then on it never changes."""
    standard = service.publish_standard(
        session, code=code, version=version, now=utcnow(), actor=staff
    )
    return _full(standard)


@admin_router.post("/{code}/versions/{version}/retire")
def retire_standard(
    code: str, version: DbId, session: SessionDep, staff: StaffWriter
) -> JSONResponse:
    """Retire a published version: still readable, no longer issuable."""
    standard = service.retire_standard(
        session, code=code, version=version, actor=staff, now=utcnow()
    )
    return _full(standard)
