"""What a credential attests: the units the worker earned, who trained and assessed them,
and the dates it may carry.

A credential lists (and aligns to) only the competency units the worker passed: every
mandatory unit of the standard, plus the elective units they took. The electives are the
ones the issue request names (`assessment.electives`), else the ones their approved
curriculum fully covers; a challenge exam without a curriculum or named electives attests
the mandatory units only. Pure: the standard, the curriculum's stored coverage and the
clock come in as arguments.

An issue request is refused (422) when it names a unit that is not an elective of the
standard, when the credential would be valid from a date before the assessment, or when
it would already have expired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from app.credentials.builder import TrainingSource
from app.credentials.schemas import CredentialIssue
from app.curricula.models import Curriculum
from app.errors import ValidationFailed
from app.standards.enums import UnitKind
from app.standards.schemas import StandardRead


class NotAnElectiveUnit(ValidationFailed):
    slug = "not-an-elective-unit"
    title = "The request names a unit that is not an elective unit of the standard"


class ValidBeforeAssessment(ValidationFailed):
    slug = "valid-before-assessment"
    title = "A credential cannot be valid before the assessment it attests"


class CredentialAlreadyExpired(ValidationFailed):
    slug = "credential-already-expired"
    title = "The credential would already have expired"


def add_years(moment: datetime, years: int) -> datetime:
    """`moment` `years` later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def validity_period(
    standard: StandardRead, *, valid_from: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """From `valid_from` (else `now`), in whole UTC seconds, for the standard's validity."""
    start = (valid_from or now).astimezone(UTC).replace(microsecond=0)
    return start, add_years(start, standard.validity_years)


def check_request(standard: StandardRead, request: CredentialIssue, *, now: datetime) -> None:
    """Refuse an issue request whose electives or dates the credential could not carry."""
    check_electives(standard, request.assessment.electives)
    start, end = validity_period(standard, valid_from=request.valid_from, now=now)
    check_dates(
        completed_on=request.assessment.completed_on, valid_from=start, valid_until=end, now=now
    )


def training_source(curriculum: Curriculum | None) -> TrainingSource | None:
    """The provider whose approved curriculum the worker completed (None: a challenge exam)."""
    if curriculum is None:
        return None
    provider = curriculum.provider
    return TrainingSource(
        provider_id=provider.id,
        name=provider.name,
        country=provider.country,
        region=provider.region,
        identifier=provider.identifier,
    )


def curriculum_electives(coverage: Mapping[str, Any] | None) -> list[str]:
    """The elective units an approved curriculum fully covers (its stored coverage report)."""
    covered = (coverage or {}).get("electives_covered")
    return [code for code in covered if isinstance(code, str)] if isinstance(covered, list) else []


def check_electives(standard: StandardRead, named: Sequence[str]) -> None:
    """Refuse named electives that are not elective units of `standard`."""
    electives = {unit.code for unit in standard.units if unit.kind is UnitKind.elective}
    unknown = [code for code in named if code not in electives]
    if unknown:
        raise NotAnElectiveUnit(
            f"{', '.join(unknown)} is not an elective unit of {standard.code} "
            f"v{standard.version}; its electives are {', '.join(sorted(electives)) or 'none'}.",
            units=unknown,
            electives=sorted(electives),
        )


def earned_units(
    standard: StandardRead, *, named: Sequence[str], covered: Sequence[str]
) -> list[str]:
    """The codes of the units the worker earned, in the standard's order.

    `named`: the electives the request names (checked with `check_electives`); when it
    names none, `covered`: the electives of the worker's approved curriculum.
    """
    taken = set(named) if named else set(covered)
    return [
        unit.code
        for unit in standard.units
        if unit.kind is UnitKind.mandatory or unit.code in taken
    ]


def check_dates(
    *, completed_on: date, valid_from: datetime, valid_until: datetime | None, now: datetime
) -> None:
    """Refuse a validity period that starts before the assessment or has already ended."""
    if valid_from.astimezone(UTC).date() < completed_on:
        raise ValidBeforeAssessment(
            f"valid_from ({valid_from.date().isoformat()}) is before the assessment "
            f"({completed_on.isoformat()}); leave it out to start today.",
            valid_from=valid_from.isoformat(),
            completed_on=completed_on.isoformat(),
        )
    if valid_until is not None and valid_until < now:
        raise CredentialAlreadyExpired(
            f"Valid from {valid_from.date().isoformat()}, the credential would have expired on "
            f"{valid_until.date().isoformat()}; a later valid_from (or none) gives a credential "
            "that is valid.",
            valid_until=valid_until.isoformat(),
        )
