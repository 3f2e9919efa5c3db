"""The reports as CSV downloads from the dashboard (the same tables as the reports API's
CSV form, for staff signed in to the console rather than holding an API token)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.console.dependencies import ConsoleDb, ConsoleReader
from app.console.routing import ConsoleRoute
from app.console.service import EXPIRING_DAYS
from app.db import utcnow
from app.errors import NotFound
from app.reports import service as reports_service
from app.reports.formats import CSV_MEDIA_TYPE, to_csv
from app.reports.schemas import (
    CredentialReportRow,
    CurriculumReportRow,
    ExpiringCredential,
    MobilityFlow,
    ProviderReportRow,
)

router = APIRouter(prefix="/reports", route_class=ConsoleRoute, default_response_class=HTMLResponse)

Table = tuple[Sequence[BaseModel], type[BaseModel]]

REPORTS: Final[dict[str, Callable[[Session, datetime], Table]]] = {
    "credentials": lambda db, now: (
        reports_service.credential_report(db, now=now).rows,
        CredentialReportRow,
    ),
    "curricula": lambda db, now: (reports_service.curriculum_report(db).rows, CurriculumReportRow),
    "providers": lambda db, now: (reports_service.provider_report(db).rows, ProviderReportRow),
    "mobility": lambda db, now: (reports_service.mobility_report(db).flows, MobilityFlow),
    "expiring": lambda db, now: (
        reports_service.expiring_report(db, now=now, days=EXPIRING_DAYS).items,
        ExpiringCredential,
    ),
}
"""Each downloadable report: its rows and their type, by the name in its address."""


class UnknownReport(NotFound):
    slug = "report-not-found"
    title = "No such report"


@router.get("/{name}.csv", name="console_report_csv", response_model=None)
def report_csv(name: str, db: ConsoleDb, user: ConsoleReader) -> Response:
    """One report as a CSV file (UTF-8, header row), as the reports API gives it."""
    del user  # the dependency checks that the reader may see the reports
    build = REPORTS.get(name)
    if build is None:
        raise UnknownReport(f"No report {name!r}.")
    rows, row_type = build(db, utcnow())
    return Response(
        to_csv(rows, row_type),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8; header=present",
        headers={
            "Content-Disposition": f'attachment; filename="nassc-{name}.csv"',
            "Cache-Control": "no-store",
        },
    )
