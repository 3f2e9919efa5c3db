"""Staff reports, as JSON or, with `Accept: text/csv`, as the same table in CSV."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response
from pydantic import BaseModel

from app.auth.dependencies import StaffReader
from app.db import SessionDep, utcnow
from app.fields import Country, IsoDate
from app.reports import service
from app.reports.formats import CSV_MEDIA_TYPE, to_csv, wants_csv
from app.reports.schemas import (
    CredentialReport,
    CredentialReportRow,
    CurriculumReport,
    CurriculumReportRow,
    ExpiringCredential,
    ExpiringReport,
    MobilityFlow,
    MobilityMonth,
    MobilityReport,
    ProviderReport,
    ProviderReportRow,
)
from app.routing import ProblemRoute
from app.standards.codes import StandardCode
from app.standards.enums import Sector


def _vary_on_accept(response: Response) -> None:
    """Both forms share a URL, so caches must key on `Accept`."""
    response.headers["Vary"] = "Accept"


router = APIRouter(
    prefix="/api/v1/admin/reports",
    tags=["reports"],
    route_class=ProblemRoute,
    dependencies=[Depends(_vary_on_accept)],
)

Accept = Annotated[str | None, Header(description="`text/csv` for CSV; JSON otherwise")]
From = Annotated[IsoDate | None, Query(alias="from", description="First UTC day included")]
To = Annotated[IsoDate | None, Query(alias="to", description="Last UTC day included")]
SectorFilter = Annotated[Sector | None, Query()]
CountryFilter = Annotated[Country | None, Query(description="The provider's country")]
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}}}
}


def _reply(
    report: BaseModel,
    rows: Sequence[BaseModel],
    row_type: type[BaseModel],
    *,
    accept: str | None,
    name: str,
) -> BaseModel | Response:
    if not wants_csv(accept):
        return report
    return Response(
        to_csv(rows, row_type),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8; header=present",
        headers={
            "Content-Disposition": f'attachment; filename="nassc-{name}.csv"',
            "Vary": "Accept",
        },
    )


@router.get("/credentials", response_model=CredentialReport, responses=CSV_RESPONSE)
def credentials_report(
    session: SessionDep,
    _: StaffReader,
    issued_from: From = None,
    issued_to: To = None,
    sector: SectorFilter = None,
    country: CountryFilter = None,
    standard_code: StandardCode | None = None,
    accept: Accept = None,
) -> BaseModel | Response:
    """Credentials issued, active, expired, suspended and revoked, by issue month, sector,
    standard version and provider country."""
    report = service.credential_report(
        session,
        now=utcnow(),
        issued_from=issued_from,
        issued_to=issued_to,
        sector=sector,
        country=country,
        standard_code=standard_code,
    )
    return _reply(report, report.rows, CredentialReportRow, accept=accept, name="credentials")


@router.get("/curricula", response_model=CurriculumReport, responses=CSV_RESPONSE)
def curricula_report(
    session: SessionDep,
    _: StaffReader,
    sector: SectorFilter = None,
    country: CountryFilter = None,
    accept: Accept = None,
) -> BaseModel | Response:
    """Curriculum versions by review status and provider country."""
    report = service.curriculum_report(session, sector=sector, country=country)
    return _reply(report, report.rows, CurriculumReportRow, accept=accept, name="curricula")


@router.get("/providers", response_model=ProviderReport, responses=CSV_RESPONSE)
def providers_report(
    session: SessionDep,
    _: StaffReader,
    country: Annotated[Country | None, Query()] = None,
    accept: Accept = None,
) -> BaseModel | Response:
    """Training providers by accreditation status and country."""
    report = service.provider_report(session, country=country)
    return _reply(report, report.rows, ProviderReportRow, accept=accept, name="providers")


@router.get("/mobility", response_model=MobilityReport, responses=CSV_RESPONSE)
def mobility_report(
    session: SessionDep,
    _: StaffReader,
    occurred_from: From = None,
    occurred_to: To = None,
    sector: SectorFilter = None,
    outcome: Annotated[str | None, Query(max_length=32)] = None,
    table: Annotated[
        Literal["flows", "months"],
        Query(description="Which table the CSV form holds (JSON holds both)"),
    ] = "flows",
    accept: Accept = None,
) -> BaseModel | Response:
    """Verifications by employer country × issuing country × sector, and the share of
    cross-border verifications per month, from the anonymous verification events."""
    report = service.mobility_report(
        session,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        sector=sector,
        outcome=outcome,
    )
    if table == "months":
        return _reply(report, report.months, MobilityMonth, accept=accept, name="mobility-months")
    return _reply(report, report.flows, MobilityFlow, accept=accept, name="mobility-flows")


@router.get("/expiring", response_model=ExpiringReport, responses=CSV_RESPONSE)
def expiring_report(
    session: SessionDep,
    _: StaffReader,
    days: Annotated[int, Query(ge=1, le=366, description="The window, from now")] = 30,
    sector: SectorFilter = None,
    country: CountryFilter = None,
    accept: Accept = None,
) -> BaseModel | Response:
    """Active credentials whose `validUntil` falls in the next `days` days, soonest first,
    for renewal campaigns."""
    report = service.expiring_report(
        session, now=utcnow(), days=days, sector=sector, country=country
    )
    return _reply(report, report.items, ExpiringCredential, accept=accept, name="expiring")
