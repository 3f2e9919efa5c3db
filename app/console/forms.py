"""Reading the console's filter and action forms: pure functions from raw strings.

Filters are read leniently, like the public catalog's: a value that does not parse is
not applied, and the form says so next to the field instead of failing the page. Action
forms are checked with the API's own request schemas, so the console accepts exactly what
the API accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Final, TypeVar

from pydantic import ValidationError

from app.curricula.models import CurriculumStatus
from app.curricula.responses import CurriculumRejection
from app.fields import Country
from app.status.schemas import OptionalStatusReason, StatusReason
from app.web.standing import Standing, parse_standing

MAX_PAGE: Final = 10_000
MAX_TEXT: Final = 100
ALL: Final = "all"
"""The status filter value that lists every status."""

_E = TypeVar("_E", bound=StrEnum)


def whole_number(value: str | None, low: int, high: int) -> int | None:
    """`value` as an integer within `low`..`high`, else None."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if low <= number <= high else None


def page_number(value: str | None) -> int:
    """A page number from the query; 1 when absent or out of range."""
    return whole_number(value, 1, MAX_PAGE) or 1


def member(kind: type[_E], value: str | None) -> _E | None:
    """The member of `kind` whose value is `value`, else None."""
    try:
        return kind((value or "").strip())
    except ValueError:
        return None


def text_filter(value: str | None) -> str | None:
    """A free-text filter, whitespace-trimmed and bounded; None when empty."""
    text = (value or "").strip()[:MAX_TEXT]
    return text or None


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Period:
    """A range of whole UTC days from a pair of date fields; `errors` names bad fields."""

    first: date | None = None
    last: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def start(self) -> datetime | None:
        """The first instant included."""
        return day_start(self.first) if self.first else None

    @property
    def end(self) -> datetime | None:
        """The first instant after the period (exclusive bound)."""
        return day_start(self.last) + timedelta(days=1) if self.last else None


def parse_period(first: str | None, last: str | None, *, names: tuple[str, str]) -> Period:
    """Two `YYYY-MM-DD` fields; a malformed one, or a start after the end, is not applied."""
    errors: dict[str, str] = {}
    days: list[date | None] = []
    for name, value in zip(names, (first, last), strict=True):
        text = (value or "").strip()
        try:
            days.append(date.fromisoformat(text) if text else None)
        except ValueError:
            days.append(None)
            errors[name] = "date"
    start, end = days
    if start and end and start > end:
        errors[names[0]] = "period"
        start = end = None
    return Period(first=start, last=end, errors=errors)


@dataclass(frozen=True, slots=True)
class CurriculumFilters:
    """The review queue's filters; the queue shows submitted curricula unless told."""

    status: CurriculumStatus | None
    country: Country | None
    page: int
    per_page: int = 20

    @property
    def status_value(self) -> str:
        """The status as the form's select shows it (`all` for no filter)."""
        return self.status.value if self.status else ALL


def parse_curriculum_filters(
    *, status: str | None, country: str | None, page: str | None
) -> CurriculumFilters:
    """The review queue's filters from the query."""
    chosen = (status or "").strip()
    return CurriculumFilters(
        status=None if chosen == ALL else member(CurriculumStatus, chosen or "submitted"),
        country=member(Country, (country or "").upper()),
        page=page_number(page),
    )


@dataclass(frozen=True, slots=True)
class CredentialFilters:
    """The credential search: every field optional, combined with AND."""

    standard_code: str | None
    status: Standing | None
    provider_id: int | None
    holder: str | None
    period: Period
    page: int
    errors: dict[str, str]
    per_page: int = 20


def parse_credential_filters(
    *,
    standard_code: str | None,
    status: str | None,
    provider_id: str | None,
    holder: str | None,
    issued_from: str | None,
    issued_to: str | None,
    page: str | None,
) -> CredentialFilters:
    """The credential search from the query."""
    period = parse_period(issued_from, issued_to, names=("issued_from", "issued_to"))
    errors = dict(period.errors)
    provider = whole_number(provider_id, 1, 2**31 - 1)
    if (provider_id or "").strip() and provider is None:
        errors["provider_id"] = "number"
    code = text_filter(standard_code)
    return CredentialFilters(
        standard_code=code.upper() if code else None,
        status=parse_standing(status),
        provider_id=provider,
        holder=text_filter(holder),
        period=period,
        page=page_number(page),
        errors=errors,
    )


_UUID: Final = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


def credential_id_in(value: str) -> str | None:
    """The credential id (a UUID) in what staff paste: `urn:uuid:…`, the UUID itself, or a
    verification link ending in it; None when there is none, or more than one."""
    found = _UUID.findall(value.strip()[:MAX_TEXT])
    return found[0].lower() if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """The audit log's filters, as `app.audit.service.list_events` takes them."""

    actor: str | None
    action: str | None
    target_type: str | None
    target_id: str | None
    period: Period
    page: int
    errors: dict[str, str]
    per_page: int = 50


def parse_audit_filters(
    *,
    actor: str | None,
    action: str | None,
    target_type: str | None,
    target_id: str | None,
    occurred_from: str | None,
    occurred_to: str | None,
    page: str | None,
) -> AuditFilters:
    """The audit log's filters from the query."""
    period = parse_period(occurred_from, occurred_to, names=("from", "to"))
    return AuditFilters(
        actor=text_filter(actor),
        action=text_filter(action),
        target_type=text_filter(target_type),
        target_id=text_filter(target_id),
        period=period,
        page=page_number(page),
        errors=dict(period.errors),
    )


def parse_reasons(text: str | None) -> list[str] | None:
    """Rejection reasons, one per non-blank line, as the API's `CurriculumRejection`
    accepts them; None when they would not be accepted."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    try:
        return CurriculumRejection(reasons=lines).reasons
    except ValidationError:
        return None


def parse_reason(text: str | None, *, required: bool) -> tuple[str | None, str | None]:
    """A status change reason as the API's `StatusReason` accepts it: (reason, problem),
    the problem a key of `FORM_ERRORS` naming what is wrong (missing, or too long)."""
    value = (text or "").strip()
    if required and not value:
        return None, "reason_missing"
    try:
        if required:
            return StatusReason(reason=value).reason, None
        return OptionalStatusReason(reason=value or None).reason, None
    except ValidationError:
        return None, "reason"
