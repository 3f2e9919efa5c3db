"""Request and response schemas of a provider curriculum and of its coverage report."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.fields import Country, DbId, Language
from app.standards.codes import ItemCode, StandardCode
from app.standards.enums import Modality, UnitKind

ModuleCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    ),
]
"""A provider's own module code, e.g. `MEC-101` or `m2.1`."""
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Hours = Annotated[int, Field(ge=0, le=10_000)]


class CoverageLevel(StrEnum):
    """How much of a learning outcome a module teaches."""

    full = "full"
    partial = "partial"


class OutcomeMapping(BaseModel):
    """A module's claim to teach one learning outcome of the standard."""

    model_config = ConfigDict(extra="forbid")

    outcome_code: ItemCode
    coverage: CoverageLevel


class CurriculumModule(BaseModel):
    """One module of a curriculum: its hours, how and in what language it is taught."""

    model_config = ConfigDict(extra="forbid")

    code: ModuleCode
    title: Title
    theory_hours: Hours
    practice_hours: Hours
    work_based_hours: Hours
    modality: Modality
    language: Language
    outcomes: list[OutcomeMapping] = Field(default_factory=list)

    @property
    def total_hours(self) -> int:
        """Theory, practice and work-based hours together."""
        return self.theory_hours + self.practice_hours + self.work_based_hours

    @model_validator(mode="after")
    def _has_hours(self) -> CurriculumModule:
        if self.total_hours == 0:
            raise ValueError(
                "theory_hours, practice_hours, work_based_hours: a module has at least one hour"
            )
        return self

    @field_validator("outcomes")
    @classmethod
    def _map_each_outcome_once(cls, outcomes: list[OutcomeMapping]) -> list[OutcomeMapping]:
        codes = [mapping.outcome_code for mapping in outcomes]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise ValueError(f"outcomes mapped more than once: {repeated}")
        return outcomes


class CurriculumCreate(BaseModel):
    """A provider's curriculum submitted against one standard version."""

    model_config = ConfigDict(extra="forbid")

    standard_code: StandardCode
    standard_version: DbId
    title: Title
    modules: list[CurriculumModule] = Field(min_length=1)

    @field_validator("modules")
    @classmethod
    def _unique_module_codes(cls, modules: list[CurriculumModule]) -> list[CurriculumModule]:
        codes = [module.code for module in modules]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise ValueError(f"module codes must be unique, repeated: {repeated}")
        return modules


class GapKind(StrEnum):
    """Why a curriculum falls short; the values are stable slugs clients may branch on."""

    outcome_not_covered = "outcome-not-covered"
    outcome_partially_covered = "outcome-partially-covered"
    electives_below_minimum = "electives-below-minimum"
    unknown_outcome = "unknown-outcome"
    no_delivery_profile = "no-delivery-profile"
    hours_below_minimum = "hours-below-minimum"
    hours_above_maximum = "hours-above-maximum"
    practice_share_below_minimum = "practice-share-below-minimum"
    work_based_hours_below_minimum = "work-based-hours-below-minimum"
    modality_not_allowed = "modality-not-allowed"
    language_not_allowed = "language-not-allowed"


GapValue = int | float | str | list[str]


class Gap(BaseModel):
    """One shortfall, located by unit, outcome and/or module, with what was expected."""

    kind: GapKind
    detail: str
    unit_code: str | None = None
    outcome_code: str | None = None
    module_code: str | None = None
    expected: GapValue | None = None
    actual: GapValue | None = None


class UnitCoverage(BaseModel):
    """How completely the curriculum covers one competency unit's outcomes."""

    unit_code: str
    kind: UnitKind
    fully_covered: list[str]
    partially_covered: list[str]
    not_covered: list[str]
    complete: bool


class HoursSummary(BaseModel):
    """The curriculum's hours; `practice_share` counts practice plus work-based hours."""

    theory: int
    practice: int
    work_based: int
    total: int
    practice_share: float


class CoverageReport(BaseModel):
    """Whether a curriculum meets a standard version in a country, and every gap if not."""

    standard_code: str
    standard_version: int
    country: Country
    complete: bool
    hours: HoursSummary
    units: list[UnitCoverage]
    electives_required: int
    electives_covered: list[str]
    gaps: list[Gap]
