"""One vocabulary for a credential's standing, used by every page and the console.

A credential is revoked, suspended, expired, not yet valid or active; a verification that
could not read the status lists says so ("could not check"). The same words, in the same
order of precedence, appear on the verification, claim, personal and certificate pages,
in the console's list and filter, and in the JSON summary of a verification: a page never
says "Expired" at the top and "Active" in the details.

The dates are read as the verification engine reads them (expired after `validUntil`,
not yet valid before `validFrom`). Precedence: a withdrawal (revoked, then suspended) says
more than the dates; the dates (expired, then not yet valid) are known even when the
status lists are not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from app.web.vocabulary import N_


class Standing(StrEnum):
    """A credential's standing today."""

    active = "active"
    expired = "expired"
    not_yet_valid = "not-yet-valid"
    suspended = "suspended"
    revoked = "revoked"
    unknown = "unknown"
    """The status lists could not be read (a verification only; the database always knows)."""


STANDING_NAMES: Final[dict[Standing, str]] = {
    Standing.active: N_("Active"),
    Standing.expired: N_("Expired"),
    Standing.not_yet_valid: N_("Not yet valid"),
    Standing.suspended: N_("Suspended"),
    Standing.revoked: N_("Revoked"),
    Standing.unknown: N_("Could not check status"),
}
"""The words of each standing (the verdicts' msgids: one translation for both)."""

FILTERABLE: Final = (
    Standing.active,
    Standing.expired,
    Standing.not_yet_valid,
    Standing.suspended,
    Standing.revoked,
)
"""The standings a stored credential can have, in the order filters offer them."""

VALID: Final = frozenset({Standing.active})
"""The standings under which a credential may be presented as valid."""


def standing_of(
    *,
    status: str,
    valid_from: datetime | None,
    valid_until: datetime | None,
    now: datetime,
) -> Standing:
    """The standing of a credential with this stored `status` and validity period at `now`.

    `status` is the status lists' word (`active`, `suspended`, `revoked`, or `unknown`
    when they could not be read); the dates decide between active, expired and not yet
    valid. Naive datetimes (SQLite) are read as UTC.
    """
    if status == Standing.revoked:
        return Standing.revoked
    if status == Standing.suspended:
        return Standing.suspended
    moment = _utc(now)
    if valid_until is not None and _utc(valid_until) < moment:
        return Standing.expired
    if valid_from is not None and _utc(valid_from) > moment:
        return Standing.not_yet_valid
    if status == Standing.active:
        return Standing.active
    return Standing.unknown


def parse_standing(value: str | None) -> Standing | None:
    """A filter's standing (None for "all", or for a value that names none)."""
    try:
        standing = Standing((value or "").strip())
    except ValueError:
        return None
    return standing if standing in FILTERABLE else None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
