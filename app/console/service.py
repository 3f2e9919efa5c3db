"""What the console does beyond the API's own services: signing in with an audited event,
and gathering the dashboard's figures from the reports service."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth import service as auth_service
from app.auth.roles import Principal
from app.credentials import service as credentials_service
from app.credentials.models import Credential
from app.curricula import service as curricula_service
from app.curricula.models import CurriculumStatus
from app.providers.models import ApiClient, TrainingProvider
from app.reports import service as reports_service
from app.reports.schemas import (
    CredentialCounts,
    CredentialReportRow,
    ExpiringReport,
    MobilityReport,
)
from app.users.models import StaffUser
from app.web.standing import Standing

CHANNEL = "console"
"""Marks audit events of console sign-ins apart from API token requests."""
EXPIRING_DAYS = 30


def sign_in(session: Session, *, username: str, password: str, now: datetime) -> Principal:
    """The staff principal for a username and password, audited as `auth.login` like a
    token request; raises `auth_service.InvalidGrant` (the caller audits the failure in a
    transaction of its own, as the token endpoint does)."""
    principal = auth_service.authenticate_password(session, username=username, password=password)
    audit_service.record(
        session,
        actor=principal,
        action="auth.login",
        target_type="staff_user",
        target_id=str(principal.user_id),
        after={"grant_type": "password", "channel": CHANNEL},
        now=now,
    )
    return principal


def failed_sign_in_target(username: str) -> tuple[str, dict[str, str]]:
    """The target of an `auth.login-failed` event for a console sign-in attempt."""
    return "staff_user", {"grant_type": "password", "username": username, "channel": CHANNEL}


@dataclass(frozen=True, slots=True)
class CountsBy:
    """Credential counts for one value of a grouping (a sector, a country)."""

    key: str | None
    counts: CredentialCounts


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The figures on the console's first page."""

    as_of: datetime
    totals: CredentialCounts
    by_sector: list[CountsBy]
    by_country: list[CountsBy]
    mobility: MobilityReport
    expiring: ExpiringReport
    awaiting_review: int
    not_yet_valid: int = 0
    """Of the `active` ones, those whose validity period has not started yet."""

    @property
    def in_force(self) -> int:
        """Active credentials valid today (not expired, not waiting for their start)."""
        return self.totals.active - self.not_yet_valid


def _counts(rows: Iterable[CredentialReportRow]) -> CredentialCounts:
    rows = list(rows)
    return CredentialCounts(
        issued=sum(row.issued for row in rows),
        active=sum(row.active for row in rows),
        expired=sum(row.expired for row in rows),
        suspended=sum(row.suspended for row in rows),
        revoked=sum(row.revoked for row in rows),
    )


def _group(
    rows: Iterable[CredentialReportRow], key: Callable[[CredentialReportRow], str | None]
) -> list[CountsBy]:
    groups: dict[str | None, list[CredentialReportRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return [CountsBy(key=value, counts=_counts(members)) for value, members in ordered]


def dashboard(session: Session, *, now: datetime, expiring_days: int = EXPIRING_DAYS) -> Dashboard:
    """Credentials by status, sector and provider country; the cross-border share of
    verifications; credentials expiring within `expiring_days`; the review queue's length."""
    credentials = reports_service.credential_report(session, now=now)
    queue = curricula_service.list_curricula(session, status=CurriculumStatus.submitted, limit=1)
    return Dashboard(
        as_of=now,
        totals=credentials.totals,
        by_sector=_group(credentials.rows, lambda row: row.sector),
        by_country=_group(credentials.rows, lambda row: row.provider_country),
        mobility=reports_service.mobility_report(session),
        expiring=reports_service.expiring_report(session, now=now, days=expiring_days),
        awaiting_review=queue.total,
        not_yet_valid=session.scalar(
            select(func.count())
            .select_from(Credential)
            .where(credentials_service.standing_clause(Standing.not_yet_valid, now=now))
        )
        or 0,
    )


def provider_names(session: Session, provider_ids: Iterable[int | None]) -> dict[int, str]:
    """The names of the providers among `provider_ids` (one query), for tables that list
    credentials or curricula by provider."""
    wanted = {provider_id for provider_id in provider_ids if provider_id is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(TrainingProvider.id, TrainingProvider.name).where(TrainingProvider.id.in_(wanted))
    )
    return {provider_id: name for provider_id, name in rows}


def principal_name(session: Session, subject: str) -> str | None:
    """Who `subject` (`user:<id>` or `client:<client_id>`) is, as staff know them: a user's
    username, or an API client's name and its provider's; None when it names no one."""
    kind, _, key = subject.partition(":")
    if f"{kind}:" == auth_service.USER_PREFIX and key.isdigit() and len(key) < 10:
        return session.scalar(select(StaffUser.username).where(StaffUser.id == int(key)))
    if f"{kind}:" == auth_service.CLIENT_PREFIX and key:
        row = session.execute(
            select(ApiClient.name, TrainingProvider.name)
            .join(TrainingProvider, ApiClient.provider_id == TrainingProvider.id)
            .where(ApiClient.client_id == key)
        ).first()
        return f"{row[0]} ({row[1]})" if row else None
    return None
