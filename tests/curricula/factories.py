"""Builds curriculum bodies that fully cover a standard as delivered in one country."""

from __future__ import annotations

import math
from typing import Any

from app.fields import Country
from app.standards.enums import UnitKind
from app.standards.schemas import StandardRead


def complete_curriculum_body(standard: StandardRead, country: Country) -> dict[str, Any]:
    """One module per needed unit, every outcome fully covered, hours within the profile."""
    profile = standard.delivery_profile_for(country)
    assert profile is not None
    electives = [u for u in standard.units if u.kind is UnitKind.elective]
    units = [u for u in standard.units if u.kind is UnitKind.mandatory]
    units += electives[: standard.electives_required]

    total = profile.min_hours
    work_based = profile.min_work_based_hours
    hands_on = max(math.ceil(total * profile.min_practice_share), work_based)
    practice = hands_on - work_based
    theory = total - hands_on

    modules = []
    for index, unit in enumerate(units):
        first = index == 0
        modules.append(
            {
                "code": f"M{index + 1:02d}",
                "title": f"Module for {unit.code}",
                # Every hour sits in the first module, except one theory hour per other module,
                # so totals match the profile exactly.
                "theory_hours": theory - (len(units) - 1) if first else 1,
                "practice_hours": practice if first else 0,
                "work_based_hours": work_based if first else 0,
                "modality": profile.modalities[0].value,
                "language": profile.languages[0].value,
                "outcomes": [
                    {"outcome_code": outcome.code, "coverage": "full"} for outcome in unit.outcomes
                ],
            }
        )
    return {
        "standard_code": standard.code,
        "standard_version": standard.version,
        "title": f"{standard.title.en} — integrated course",
        "modules": modules,
    }
