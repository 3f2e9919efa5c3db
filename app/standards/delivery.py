"""Regional delivery: the bounds within which each country may deliver a standard's training.

Outcomes and assessment are the same everywhere; hours, modalities, the hands-on share,
work-based learning and the language of instruction vary by country within these bounds
(MSSC's modular vs. integrated courses, CONOCER's average training hours, Canadian
apprenticeship's in-school plus on-the-job hours).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.fields import DB_INT_MAX, Country, DbId, Language
from app.standards.enums import Modality
from app.standards.localized import LocalizedText


class DeliveryProfile(BaseModel):
    """Delivery bounds for one standard version in one country.

    `min_practice_share` is the minimum share of total hours that is hands-on, i.e. practice
    plus work-based hours; `min_work_based_hours` is the minimum hours spent in a workplace.
    """

    model_config = ConfigDict(extra="forbid")

    country: Country
    min_hours: DbId
    max_hours: DbId
    modalities: list[Modality] = Field(min_length=1)
    min_practice_share: float = Field(ge=0, le=1)
    min_work_based_hours: int = Field(default=0, ge=0, le=DB_INT_MAX)
    languages: list[Language] = Field(min_length=1)
    notes: LocalizedText | None = None

    @model_validator(mode="after")
    def _check_bounds(self) -> DeliveryProfile:
        if self.min_hours > self.max_hours:
            raise ValueError(
                f"min_hours ({self.min_hours}) must not exceed max_hours ({self.max_hours})"
            )
        if self.min_work_based_hours > self.max_hours:
            raise ValueError(
                f"min_work_based_hours ({self.min_work_based_hours}) must not exceed "
                f"max_hours ({self.max_hours})"
            )
        if len(set(self.modalities)) != len(self.modalities):
            raise ValueError("modalities: each modality may be listed once")
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("languages: each language may be listed once")
        return self
