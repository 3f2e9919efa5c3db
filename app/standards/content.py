"""What a standard certifies, fixed continent-wide: competency units, outcomes and assessment.

Mirrors the Red Seal occupational standard and the EQF: a unit groups learning outcomes
(knowledge, skill or responsibility), each outcome is judged against performance criteria,
and each unit carries a weight in the assessment blueprint, as MSSC blueprints do.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.standards.codes import ItemCode
from app.standards.enums import AssessmentKind, OutcomeKind, UnitKind
from app.standards.localized import LocalizedText


class LearningOutcome(BaseModel):
    """What a worker knows, can do or is responsible for; its code is unique in the standard."""

    model_config = ConfigDict(extra="forbid")

    code: ItemCode
    kind: OutcomeKind
    text: LocalizedText
    performance_criteria: list[LocalizedText] = Field(min_length=1)


class CompetencyUnit(BaseModel):
    """A coherent group of outcomes, assessed and recognised together."""

    model_config = ConfigDict(extra="forbid")

    code: ItemCode
    kind: UnitKind
    weight_percent: float = Field(gt=0, le=100)
    title: LocalizedText
    description: LocalizedText | None = None
    outcomes: list[LearningOutcome] = Field(min_length=1)

    @field_validator("outcomes")
    @classmethod
    def _unique_outcome_codes(cls, outcomes: list[LearningOutcome]) -> list[LearningOutcome]:
        seen: set[str] = set()
        for outcome in outcomes:
            if outcome.code in seen:
                raise ValueError(f"duplicate outcome code {outcome.code!r}")
            seen.add(outcome.code)
        return outcomes


class AssessmentMethod(BaseModel):
    """One assessment instrument of the blueprint; `unit_codes` empty means every unit."""

    model_config = ConfigDict(extra="forbid")

    kind: AssessmentKind
    description: LocalizedText | None = None
    item_count: int | None = Field(default=None, ge=1, le=1000)
    duration_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    cut_score_percent: float = Field(gt=0, le=100)
    unit_codes: list[ItemCode] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_instrument(self) -> AssessmentMethod:
        if self.kind is AssessmentKind.written and self.item_count is None:
            raise ValueError("item_count: a written assessment states its number of items")
        if self.kind is not AssessmentKind.portfolio and self.duration_minutes is None:
            raise ValueError(f"duration_minutes: a {self.kind.value} assessment is timed")
        if len(set(self.unit_codes)) != len(self.unit_codes):
            raise ValueError("unit_codes: each unit may be listed once")
        return self
