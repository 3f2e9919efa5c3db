"""Request and response schemas of a harmonized standard.

`StandardCreate` validates the API body and every `curricula/*.json` seed file alike. Its parts
live in their own modules (`content`, `references`, `delivery`) and are re-exported here, so
callers import every standard schema from one place.

Versions are positive integers, not semver: a published version is immutable and any change
publishes the next one, so there is no "compatible change" for a minor or patch number to
signal, and integers order, compare and sit in a URL or a column without parsing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.fields import DB_INT_MAX, Country, DbId
from app.standards.codes import StandardCode
from app.standards.content import AssessmentMethod, CompetencyUnit, LearningOutcome
from app.standards.delivery import DeliveryProfile
from app.standards.enums import Sector, StandardStatus, UnitKind
from app.standards.localized import LocalizedText
from app.standards.references import (
    LevelReference,
    NationalEquivalent,
    Noc2021Code,
    Occupation,
    Sinco2019Code,
    Soc2018Code,
)

__all__ = [
    "AssessmentMethod",
    "CompetencyUnit",
    "DeliveryProfile",
    "LearningOutcome",
    "LevelReference",
    "LocalizedText",
    "NationalEquivalent",
    "Noc2021Code",
    "Occupation",
    "Sinco2019Code",
    "Soc2018Code",
    "StandardCreate",
    "StandardRead",
    "StandardSummary",
]

WEIGHT_TOLERANCE = 0.01


class StandardCreate(BaseModel):
    """One version of a harmonized standard, complete with outcomes, references and delivery.

    Weight rule: every elective unit carries the same weight, and the mandatory weights plus
    `electives_required` elective weights sum to 100, so whichever electives a candidate
    picks, the blueprint totals 100 %.
    """

    model_config = ConfigDict(extra="forbid")

    code: StandardCode
    version: DbId
    status: StandardStatus = StandardStatus.draft
    sector: Sector
    title: LocalizedText
    description: LocalizedText
    level: LevelReference
    occupations: list[Occupation] = Field(min_length=1)
    units: list[CompetencyUnit] = Field(min_length=1)
    electives_required: int = Field(default=0, ge=0, le=DB_INT_MAX)
    assessments: list[AssessmentMethod] = Field(default_factory=list)
    validity_years: int = Field(ge=1, le=10)
    equivalents: list[NationalEquivalent] = Field(default_factory=list)
    delivery_profiles: list[DeliveryProfile] = Field(default_factory=list)

    def iter_outcomes(self) -> Iterator[tuple[CompetencyUnit, LearningOutcome]]:
        """Every learning outcome with its unit, in document order."""
        for unit in self.units:
            for outcome in unit.outcomes:
                yield unit, outcome

    def delivery_profile_for(self, country: Country) -> DeliveryProfile | None:
        """The delivery bounds for `country`, if the standard sets them."""
        return next((p for p in self.delivery_profiles if p.country is country), None)

    @field_validator("units")
    @classmethod
    def _unique_item_codes(cls, units: list[CompetencyUnit]) -> list[CompetencyUnit]:
        seen: dict[str, str] = {}
        for index, unit in enumerate(units):
            codes = [(unit.code, f"units[{index}].code")] + [
                (outcome.code, f"units[{index}].outcomes[{position}].code")
                for position, outcome in enumerate(unit.outcomes)
            ]
            for code, where in codes:
                if code in seen:
                    raise ValueError(f"{where} {code!r} repeats {seen[code]}; codes must be unique")
                seen[code] = where
        if not any(unit.kind is UnitKind.mandatory for unit in units):
            raise ValueError("at least one unit must be mandatory")
        return units

    @field_validator("delivery_profiles")
    @classmethod
    def _one_profile_per_country(cls, profiles: list[DeliveryProfile]) -> list[DeliveryProfile]:
        countries = [profile.country for profile in profiles]
        for country in set(countries):
            if countries.count(country) > 1:
                raise ValueError(f"more than one delivery profile for {country.value}")
        return profiles

    @field_validator("equivalents")
    @classmethod
    def _unique_equivalents(cls, equivalents: list[NationalEquivalent]) -> list[NationalEquivalent]:
        seen: set[tuple[str, str, str | None, str]] = set()
        for index, item in enumerate(equivalents):
            key = (item.country, item.framework, item.jurisdiction, item.code or item.title)
            if key in seen:
                raise ValueError(f"equivalents[{index}] repeats an earlier equivalent")
            seen.add(key)
        return equivalents

    @model_validator(mode="after")
    def _check_cross_references(self) -> StandardCreate:
        _check_unit_weights(self.units, self.electives_required)
        known = {unit.code for unit in self.units}
        _check_unit_references("assessments", [a.unit_codes for a in self.assessments], known)
        _check_unit_references("equivalents", [e.unit_codes for e in self.equivalents], known)
        if self.status is StandardStatus.published:
            _check_publishable(self)
        return self


class StandardRead(StandardCreate):
    """A stored standard version as the API returns it."""

    model_config = ConfigDict(extra="ignore", from_attributes=True)


class StandardSummary(BaseModel):
    """One line of a standards listing."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    version: int
    status: StandardStatus
    sector: Sector
    title: LocalizedText


def _check_unit_weights(units: list[CompetencyUnit], electives_required: int) -> None:
    electives = [unit for unit in units if unit.kind is UnitKind.elective]
    if electives_required > len(electives):
        raise ValueError(
            f"electives_required ({electives_required}) exceeds the {len(electives)} "
            "elective unit(s)"
        )
    elective_weights = {unit.weight_percent for unit in electives}
    if len(elective_weights) > 1:
        raise ValueError(
            f"units[*].weight_percent: elective units must share one weight, got "
            f"{sorted(elective_weights)}"
        )
    mandatory = sum(unit.weight_percent for unit in units if unit.kind is UnitKind.mandatory)
    elective = electives[0].weight_percent * electives_required if electives_required else 0.0
    total = mandatory + elective
    if not math.isclose(total, 100.0, abs_tol=WEIGHT_TOLERANCE):
        raise ValueError(
            f"units[*].weight_percent: mandatory weights ({mandatory:g}) plus "
            f"{electives_required} elective weight(s) ({elective:g}) must sum to 100, "
            f"not {total:g}"
        )


def _check_unit_references(field: str, references: list[list[str]], known: set[str]) -> None:
    for index, unit_codes in enumerate(references):
        unknown = [code for code in unit_codes if code not in known]
        if unknown:
            raise ValueError(f"{field}[{index}].unit_codes: no such unit {unknown}")


def _check_publishable(standard: StandardCreate) -> None:
    if not standard.assessments:
        raise ValueError("assessments: a published standard has at least one assessment")
    missing = [c.value for c in Country if standard.delivery_profile_for(c) is None]
    if missing:
        raise ValueError(f"delivery_profiles: a published standard needs a profile for {missing}")
