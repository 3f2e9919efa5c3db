"""Report queries: one aggregate `SELECT … GROUP BY` per table, the same SQL on both engines.

Counting happens in the database (`count`, `count(CASE …)`); Python only sorts the grouped
rows, because the engines order NULLs differently, and adds up totals. Periods are whole
UTC days: `from` is the first day included and `to` the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.credentials.models import Credential, CredentialStatus
from app.curricula.models import Curriculum
from app.providers.models import TrainingProvider
from app.reports.errors import InvalidPeriod
from app.reports.schemas import (
    CredentialCounts,
    CredentialFilters,
    CredentialReport,
    CredentialReportRow,
    CurriculumFilters,
    CurriculumReport,
    CurriculumReportRow,
    ExpiringCredential,
    ExpiringFilters,
    ExpiringReport,
    MobilityFilters,
    MobilityFlow,
    MobilityMonth,
    MobilityReport,
    ProviderFilters,
    ProviderReport,
    ProviderReportRow,
)
from app.reports.sql import month_text, utc_month_start
from app.standards.models import Standard
from app.verification.models import VerificationEvent

SHARE_DECIMALS = 4
COUNTED = ("issued", "active", "expired", "suspended", "revoked")
"""The counts of a credentials report row, in the order its query selects them."""


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _period(
    column: SQLColumnExpression[datetime], start: date | None, end: date | None
) -> list[ColumnElement[bool]]:
    """Conditions keeping `column` within the whole UTC days `start` … `end`."""
    if start is not None and end is not None and start > end:
        raise InvalidPeriod(f"`from` ({start}) is after `to` ({end}).")
    conditions: list[ColumnElement[bool]] = []
    if start is not None:
        conditions.append(column >= _day_start(start))
    if end is not None:
        conditions.append(column < _day_start(end) + timedelta(days=1))
    return conditions


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(case((condition, 1)))


def _nulls_last(*values: Any) -> tuple[Any, ...]:
    """A sort key that orders None after every value, as neither engine agrees on it."""
    return tuple((value is None, value if value is not None else "") for value in values)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, SHARE_DECIMALS) if whole else None


def credential_report(
    session: Session,
    *,
    now: datetime,
    issued_from: date | None = None,
    issued_to: date | None = None,
    sector: str | None = None,
    country: str | None = None,
    standard_code: str | None = None,
) -> CredentialReport:
    """Credentials by issue month, sector, standard version and provider country.

    Each row counts the credentials issued in that month and where they stand at `now`:
    active, expired (active but past `valid_until`), suspended or revoked.
    """
    month = utc_month_start(Credential.issued_at)
    active = Credential.status == CredentialStatus.active
    lapsed = and_(Credential.valid_until.is_not(None), Credential.valid_until < now)
    current = or_(Credential.valid_until.is_(None), Credential.valid_until >= now)
    conditions = _period(Credential.issued_at, issued_from, issued_to)
    if sector is not None:
        conditions.append(Standard.sector == sector)
    if country is not None:
        conditions.append(TrainingProvider.country == country)
    if standard_code is not None:
        conditions.append(Standard.code == standard_code)
    # Counted per (month, standard, provider) over the credentials alone first (an
    # index-only scan of `ix_credential_report` and a hash of small keys), then labelled:
    # grouping every credential by the joined text columns sorted them all, and writing
    # each one's month as text cost a third of the time at 1M rows (`utc_month_start`).
    counts = (
        select(
            month.label("month"),
            Credential.standard_id,
            Credential.provider_id,
            func.count().label("issued"),
            _count_where(and_(active, current)).label("active"),
            _count_where(and_(active, lapsed)).label("expired"),
            _count_where(Credential.status == CredentialStatus.suspended).label("suspended"),
            _count_where(Credential.status == CredentialStatus.revoked).label("revoked"),
        )
        .where(*conditions)
        .group_by(month, Credential.standard_id, Credential.provider_id)
    )
    if sector is not None or standard_code is not None:
        counts = counts.join(Standard, Credential.standard_id == Standard.id)
    if country is not None:
        counts = counts.join(TrainingProvider, Credential.provider_id == TrainingProvider.id)
    grouped = counts.subquery()
    labels = (month_text(grouped.c.month), Standard.sector, Standard.code, Standard.version)
    statement = (
        select(
            *labels,
            TrainingProvider.country,
            *(func.sum(grouped.c[name]) for name in COUNTED),
        )
        .select_from(grouped)
        .join(Standard, grouped.c.standard_id == Standard.id)
        .outerjoin(TrainingProvider, grouped.c.provider_id == TrainingProvider.id)
        .group_by(*labels, TrainingProvider.country)
    )
    rows = [
        CredentialReportRow(
            month=row[0],
            sector=row[1],
            standard_code=row[2],
            standard_version=row[3],
            provider_country=row[4],
            **{name: int(value) for name, value in zip(COUNTED, row[5:], strict=True)},
        )
        for row in session.execute(statement)
    ]
    rows.sort(
        key=lambda r: _nulls_last(
            r.month, r.sector, r.standard_code, r.standard_version, r.provider_country
        )
    )
    return CredentialReport(
        as_of=now,
        filters=CredentialFilters(
            issued_from=issued_from,
            issued_to=issued_to,
            sector=sector,
            country=country,
            standard_code=standard_code,
        ),
        rows=rows,
        totals=_credential_totals(rows),
    )


def _credential_totals(rows: Sequence[CredentialReportRow]) -> CredentialCounts:
    return CredentialCounts(
        issued=sum(r.issued for r in rows),
        active=sum(r.active for r in rows),
        expired=sum(r.expired for r in rows),
        suspended=sum(r.suspended for r in rows),
        revoked=sum(r.revoked for r in rows),
    )


def curriculum_report(
    session: Session, *, sector: str | None = None, country: str | None = None
) -> CurriculumReport:
    """Curriculum versions by review status and the country of their provider.

    Every stored version counts: revising an approved curriculum adds a version, and the
    approved one stays approved (and usable) beside it.
    """
    conditions: list[ColumnElement[bool]] = []
    if sector is not None:
        conditions.append(Standard.sector == sector)
    if country is not None:
        conditions.append(TrainingProvider.country == country)
    statement = (
        select(Curriculum.status, TrainingProvider.country, func.count())
        .select_from(Curriculum)
        .join(TrainingProvider, Curriculum.provider_id == TrainingProvider.id)
        .join(Standard, Curriculum.standard_id == Standard.id)
        .where(*conditions)
        .group_by(Curriculum.status, TrainingProvider.country)
    )
    rows = [
        CurriculumReportRow(status=status, country=row_country, curricula=count)
        for status, row_country, count in session.execute(statement)
    ]
    rows.sort(key=lambda r: (r.status, r.country))
    return CurriculumReport(
        filters=CurriculumFilters(sector=sector, country=country),
        rows=rows,
        total=sum(r.curricula for r in rows),
    )


def provider_report(session: Session, *, country: str | None = None) -> ProviderReport:
    """Training providers by accreditation status and country."""
    conditions: list[ColumnElement[bool]] = []
    if country is not None:
        conditions.append(TrainingProvider.country == country)
    statement = (
        select(TrainingProvider.accreditation_status, TrainingProvider.country, func.count())
        .where(*conditions)
        .group_by(TrainingProvider.accreditation_status, TrainingProvider.country)
    )
    rows = [
        ProviderReportRow(accreditation_status=status, country=row_country, providers=count)
        for status, row_country, count in session.execute(statement)
    ]
    rows.sort(key=lambda r: (r.accreditation_status, r.country))
    return ProviderReport(
        filters=ProviderFilters(country=country),
        rows=rows,
        total=sum(r.providers for r in rows),
    )


def mobility_report(
    session: Session,
    *,
    occurred_from: date | None = None,
    occurred_to: date | None = None,
    sector: str | None = None,
    outcome: str | None = None,
) -> MobilityReport:
    """Verifications by employer country × issuing country × sector, and the monthly share
    of cross-border ones (employer and issuing countries both known and different)."""
    event = VerificationEvent
    conditions = _period(event.occurred_at, occurred_from, occurred_to)
    if sector is not None:
        conditions.append(event.sector == sector)
    if outcome is not None:
        conditions.append(event.outcome == outcome)
    known = and_(event.employer_country.is_not(None), event.issuing_country.is_not(None))
    crossing = and_(known, event.employer_country != event.issuing_country)

    flow_statement = (
        select(event.employer_country, event.issuing_country, event.sector, func.count())
        .where(*conditions)
        .group_by(event.employer_country, event.issuing_country, event.sector)
    )
    flows = [
        MobilityFlow(
            employer_country=employer, issuing_country=issuing, sector=row_sector, verifications=n
        )
        for employer, issuing, row_sector, n in session.execute(flow_statement)
    ]
    flows.sort(key=lambda f: _nulls_last(f.employer_country, f.issuing_country, f.sector))

    month = utc_month_start(event.occurred_at)
    by_month = (
        select(
            month.label("month"),
            func.count().label("total"),
            _count_where(known).label("placed"),
            _count_where(crossing).label("crossed"),
        )
        .where(*conditions)
        .group_by(month)
        .subquery()
    )
    month_statement = select(
        month_text(by_month.c.month), by_month.c.total, by_month.c.placed, by_month.c.crossed
    )
    months = [
        MobilityMonth(
            month=row_month,
            verifications=total,
            with_countries=placed,
            cross_border=crossed,
            cross_border_share=_share(crossed, placed),
        )
        for row_month, total, placed, crossed in session.execute(month_statement)
    ]
    months.sort(key=lambda m: m.month)
    with_countries = sum(m.with_countries for m in months)
    cross_border = sum(m.cross_border for m in months)
    return MobilityReport(
        filters=MobilityFilters(
            occurred_from=occurred_from, occurred_to=occurred_to, sector=sector, outcome=outcome
        ),
        flows=flows,
        months=months,
        verifications=sum(m.verifications for m in months),
        with_countries=with_countries,
        cross_border=cross_border,
        cross_border_share=_share(cross_border, with_countries),
    )


def expiring_report(
    session: Session,
    *,
    now: datetime,
    days: int,
    sector: str | None = None,
    country: str | None = None,
) -> ExpiringReport:
    """Active credentials whose `valid_until` falls in `[now, now + days)`, soonest first."""
    until = now + timedelta(days=days)
    conditions: list[ColumnElement[bool]] = [
        Credential.status == CredentialStatus.active,
        Credential.valid_until >= now,
        Credential.valid_until < until,
    ]
    if sector is not None:
        conditions.append(Standard.sector == sector)
    if country is not None:
        conditions.append(TrainingProvider.country == country)
    statement = (
        select(
            Credential.id,
            Standard.code,
            Standard.version,
            Standard.sector,
            Credential.provider_id,
            TrainingProvider.name,
            TrainingProvider.country,
            Credential.issued_at,
            Credential.valid_until,
        )
        .select_from(Credential)
        .join(Standard, Credential.standard_id == Standard.id)
        .outerjoin(TrainingProvider, Credential.provider_id == TrainingProvider.id)
        .where(*conditions)
    )
    items = [
        ExpiringCredential(
            credential_id=row[0],
            standard_code=row[1],
            standard_version=row[2],
            sector=row[3],
            provider_id=row[4],
            provider_name=row[5],
            provider_country=row[6],
            issued_at=row[7],
            valid_until=row[8],
        )
        for row in session.execute(statement)
    ]
    items.sort(key=lambda item: (item.valid_until, item.credential_id))
    return ExpiringReport(
        as_of=now,
        until=until,
        filters=ExpiringFilters(days=days, sector=sector, country=country),
        items=items,
        total=len(items),
    )
