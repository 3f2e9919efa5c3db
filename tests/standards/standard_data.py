"""A small valid standard for tests, as plain JSON-like data that each test bends one way.

Two mandatory units (40 % each), two electives (20 % each, one required), two outcomes per unit,
delivery profiles for all three countries and one equivalent per national framework kind.
"""

from __future__ import annotations

import copy
from typing import Any

from app.standards.schemas import StandardCreate

CODE = "NASSC-TEST-TECH"
MANDATORY_OUTCOMES = ["TEST-U01-LO1", "TEST-U01-LO2", "TEST-U02-LO1", "TEST-U02-LO2"]
ELECTIVE_OUTCOMES = {"TEST-U03": ["TEST-U03-LO1", "TEST-U03-LO2"], "TEST-U04": ["TEST-U04-LO1"]}


def text(label: str) -> dict[str, str]:
    """A trilingual label whose three languages are told apart by a suffix."""
    return {"en": label, "es": f"{label} (es)", "fr": f"{label} (fr)"}


def outcome(code: str, kind: str = "skill") -> dict[str, Any]:
    """A learning outcome with two performance criteria."""
    return {
        "code": code,
        "kind": kind,
        "text": text(f"Outcome {code}"),
        "performance_criteria": [text(f"Criterion 1 of {code}"), text(f"Criterion 2 of {code}")],
    }


def unit(code: str, kind: str, weight: float, outcome_codes: list[str]) -> dict[str, Any]:
    """A competency unit made of the given outcomes."""
    return {
        "code": code,
        "kind": kind,
        "weight_percent": weight,
        "title": text(f"Unit {code}"),
        "outcomes": [outcome(c) for c in outcome_codes],
    }


def national_code(code: str, verified: bool = True) -> dict[str, Any]:
    """An occupation code in any of the three classifications."""
    return {"code": code, "match_type": "exact", "verified": verified}


def profile(country: str, **overrides: Any) -> dict[str, Any]:
    """A delivery profile for `country`; defaults suit the curricula the coverage tests build."""
    data: dict[str, Any] = {
        "country": country,
        "min_hours": 100,
        "max_hours": 300,
        "modalities": ["in-person", "blended"],
        "min_practice_share": 0.5,
        "min_work_based_hours": 0,
        "languages": ["en", "es"],
    }
    data.update(overrides)
    return data


_STANDARD: dict[str, Any] = {
    "code": CODE,
    "version": 1,
    "status": "published",
    "sector": "semiconductors",
    "title": text("Test technician"),
    "description": text("A standard for tests."),
    "level": {"nassc_level": 4, "conocer_level": 3, "noc_teer": 2, "eqf_level": 4},
    "occupations": [
        {
            "title": text("Semiconductor processing technician"),
            "soc_2018": national_code("51-9141"),
            "noc_2021": national_code("22310"),
            "sinco_2019": national_code("2642", verified=False),
        }
    ],
    "units": [
        unit("TEST-U01", "mandatory", 40, MANDATORY_OUTCOMES[:2]),
        unit("TEST-U02", "mandatory", 40, MANDATORY_OUTCOMES[2:]),
        unit("TEST-U03", "elective", 20, ELECTIVE_OUTCOMES["TEST-U03"]),
        unit("TEST-U04", "elective", 20, ELECTIVE_OUTCOMES["TEST-U04"]),
    ],
    "electives_required": 1,
    "assessments": [
        {"kind": "written", "item_count": 80, "duration_minutes": 90, "cut_score_percent": 70}
    ],
    "validity_years": 5,
    "equivalents": [
        {
            "country": "US",
            "framework": "mssc",
            "code": "CPT-Safety",
            "title": "Certified Production Technician (CPT): Safety",
            "title_language": "en",
            "recognition_type": "full",
            "unit_codes": ["TEST-U01"],
            "verified": True,
        },
        {
            "country": "CA",
            "framework": "red-seal",
            "title": "Instrumentation and Control Technician",
            "title_language": "en",
            "translations": {"fr": "Technicien/technicienne en instrumentation et contrôle"},
            "recognition_type": "partial",
            "verified": True,
        },
        {
            "country": "MX",
            "framework": "conocer",
            "code": "EC0118",
            "title": "Electrical installations in housing",
            "recognition_type": "gap-training",
            "unit_codes": ["TEST-U01", "TEST-U02"],
            "verified": False,
        },
    ],
    "delivery_profiles": [
        profile("US"),
        profile(
            "MX", modalities=["in-person", "work-based"], min_work_based_hours=40, languages=["es"]
        ),
        profile("CA", min_hours=150, max_hours=400, languages=["en", "fr"]),
    ],
}


def standard_data() -> dict[str, Any]:
    """A fresh deep copy of the valid test standard, safe to mutate."""
    return copy.deepcopy(_STANDARD)


def make_standard() -> StandardCreate:
    """The valid test standard, validated."""
    return StandardCreate.model_validate(standard_data())
