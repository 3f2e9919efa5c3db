"""Curriculum coverage: a complete curriculum has no gaps, and every kind of gap is reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.config import PROJECT_ROOT
from app.curricula.coverage import compute_coverage
from app.curricula.schemas import CoverageReport, CurriculumCreate, CurriculumModule, GapKind
from app.fields import Country
from app.standards.enums import UnitKind
from app.standards.schemas import StandardCreate
from tests.standards.standard_data import MANDATORY_OUTCOMES, make_standard, standard_data


def module(
    code: str,
    outcomes: dict[str, str],
    *,
    theory: int = 40,
    practice: int = 60,
    work_based: int = 0,
    modality: str = "in-person",
    language: str = "en",
) -> CurriculumModule:
    """A curriculum module mapping outcome codes to coverage levels."""
    return CurriculumModule.model_validate(
        {
            "code": code,
            "title": f"Module {code}",
            "theory_hours": theory,
            "practice_hours": practice,
            "work_based_hours": work_based,
            "modality": modality,
            "language": language,
            "outcomes": [{"outcome_code": c, "coverage": level} for c, level in outcomes.items()],
        }
    )


def complete_modules() -> list[CurriculumModule]:
    """200 h, 60 % practice, in English, covering every mandatory outcome and elective TEST-U04."""
    return [
        module("M1", {code: "full" for code in MANDATORY_OUTCOMES}),
        module("M2", {"TEST-U04-LO1": "full", "TEST-U03-LO1": "partial"}),
    ]


def coverage(
    modules: list[CurriculumModule],
    country: Country = Country.us,
    standard: StandardCreate | None = None,
) -> CoverageReport:
    """The coverage report of `modules` against the test standard in `country`."""
    return compute_coverage(standard=standard or make_standard(), country=country, modules=modules)


def kinds(report: CoverageReport) -> list[GapKind]:
    """The kinds of the report's gaps, in order."""
    return [gap.kind for gap in report.gaps]


def test_complete_curriculum_has_no_gaps() -> None:
    report = coverage(complete_modules())

    assert report.complete
    assert report.gaps == []
    assert report.electives_covered == ["TEST-U04"]
    assert report.hours.total == 200
    assert report.hours.practice_share == pytest.approx(0.6)
    u03 = next(unit for unit in report.units if unit.unit_code == "TEST-U03")
    assert (u03.kind, u03.complete, u03.partially_covered) == (
        UnitKind.elective,
        False,
        ["TEST-U03-LO1"],
    )


def test_outcome_not_covered() -> None:
    modules = complete_modules()
    modules[0] = module("M1", {code: "full" for code in MANDATORY_OUTCOMES[1:]})

    report = coverage(modules)

    assert not report.complete
    assert kinds(report) == [GapKind.outcome_not_covered]
    assert (report.gaps[0].unit_code, report.gaps[0].outcome_code) == ("TEST-U01", "TEST-U01-LO1")


def test_partial_mappings_never_add_up_to_full_coverage() -> None:
    modules = complete_modules()
    modules[0] = module("M1", {code: "full" for code in MANDATORY_OUTCOMES[1:]})
    modules += [
        module("M3", {"TEST-U01-LO1": "partial"}, theory=10, practice=10),
        module("M4", {"TEST-U01-LO1": "partial"}, theory=10, practice=10),
    ]

    report = coverage(modules)

    assert kinds(report) == [GapKind.outcome_partially_covered]
    assert report.gaps[0].actual == "partial"


def test_one_full_mapping_outweighs_partial_ones() -> None:
    modules = [*complete_modules(), module("M3", {"TEST-U01-LO1": "partial"}, theory=10)]

    assert coverage(modules).complete


def test_electives_below_minimum() -> None:
    modules = complete_modules()
    modules[1] = module("M2", {"TEST-U03-LO1": "full", "TEST-U04-LO1": "partial"})

    report = coverage(modules)

    assert kinds(report) == [GapKind.electives_below_minimum]
    assert (report.gaps[0].expected, report.gaps[0].actual) == (1, 0)


def test_mapping_to_another_standards_outcome_is_an_unknown_outcome_gap() -> None:
    modules = complete_modules()
    modules[1] = module("M2", {"TEST-U04-LO1": "full", "SEMI-U01-LO1": "full"})

    report = coverage(modules)

    assert kinds(report) == [GapKind.unknown_outcome]
    assert (report.gaps[0].module_code, report.gaps[0].outcome_code) == ("M2", "SEMI-U01-LO1")


def test_hours_below_minimum_and_above_maximum() -> None:
    short = [
        module("M1", {code: "full" for code in MANDATORY_OUTCOMES}, theory=20, practice=30),
        module("M2", {"TEST-U04-LO1": "full"}, theory=10, practice=20),
    ]
    long = [
        module("M1", {code: "full" for code in MANDATORY_OUTCOMES}, theory=100, practice=150),
        module("M2", {"TEST-U04-LO1": "full"}, theory=40, practice=60),
    ]

    assert kinds(coverage(short)) == [GapKind.hours_below_minimum]
    report = coverage(long)
    assert kinds(report) == [GapKind.hours_above_maximum]
    assert (report.gaps[0].expected, report.gaps[0].actual) == (300, 350)


def test_practice_share_below_minimum() -> None:
    modules = complete_modules()
    modules[1] = module("M2", {"TEST-U04-LO1": "full"}, theory=80, practice=20)

    report = coverage(modules)

    assert kinds(report) == [GapKind.practice_share_below_minimum]
    assert report.gaps[0].actual == pytest.approx(0.4)


def test_work_based_hours_below_minimum_in_mexico() -> None:
    spanish = [
        module("M1", {c: "full" for c in MANDATORY_OUTCOMES}, language="es"),
        module("M2", {"TEST-U04-LO1": "full"}, language="es", work_based=30),
    ]

    report = coverage(spanish, Country.mx)

    assert kinds(report) == [GapKind.work_based_hours_below_minimum]
    assert (report.gaps[0].expected, report.gaps[0].actual) == (40, 30)


def test_modality_and_language_not_allowed_name_the_module() -> None:
    modules = complete_modules()
    modules[1] = module("M2", {"TEST-U04-LO1": "full"}, modality="online", language="fr")

    report = coverage(modules)

    assert kinds(report) == [GapKind.modality_not_allowed, GapKind.language_not_allowed]
    assert [gap.module_code for gap in report.gaps] == ["M2", "M2"]
    assert report.gaps[0].expected == ["in-person", "blended"]


def test_country_without_delivery_profile() -> None:
    draft: dict[str, Any] = {**standard_data(), "status": "draft", "delivery_profiles": []}

    report = coverage(complete_modules(), standard=StandardCreate.model_validate(draft))

    assert kinds(report) == [GapKind.no_delivery_profile]


def test_every_gap_is_listed_at_once() -> None:
    modules = [
        module("M1", {"TEST-U01-LO1": "partial", "OTHER-LO1": "full"}, modality="online"),
    ]

    report = coverage(modules, Country.ca)

    assert kinds(report) == [
        GapKind.outcome_partially_covered,
        GapKind.outcome_not_covered,
        GapKind.outcome_not_covered,
        GapKind.outcome_not_covered,
        GapKind.electives_below_minimum,
        GapKind.unknown_outcome,
        GapKind.hours_below_minimum,
        GapKind.modality_not_allowed,
    ]


def test_gap_slugs_are_stable() -> None:
    assert [kind.value for kind in GapKind] == [
        "outcome-not-covered",
        "outcome-partially-covered",
        "electives-below-minimum",
        "unknown-outcome",
        "no-delivery-profile",
        "hours-below-minimum",
        "hours-above-maximum",
        "practice-share-below-minimum",
        "work-based-hours-below-minimum",
        "modality-not-allowed",
        "language-not-allowed",
    ]


@pytest.mark.parametrize("field", ["theory_hours", "practice_hours", "work_based_hours"])
def test_negative_hours_are_rejected(field: str) -> None:
    data = module("M1", {}).model_dump()
    data[field] = -1

    with pytest.raises(ValidationError, match=field):
        CurriculumModule.model_validate(data)


def test_module_without_hours_is_rejected() -> None:
    with pytest.raises(ValidationError, match="a module has at least one hour"):
        module("M1", {}, theory=0, practice=0)


@pytest.mark.parametrize(("field", "value"), [("language", "pt"), ("modality", "correspondence")])
def test_unknown_language_or_modality_is_rejected(field: str, value: str) -> None:
    data = module("M1", {}).model_dump()
    data[field] = value

    with pytest.raises(ValidationError, match=field):
        CurriculumModule.model_validate(data)


def test_bad_mappings_are_rejected() -> None:
    with pytest.raises(ValidationError, match="outcomes mapped more than once"):
        CurriculumModule.model_validate(
            {
                **module("M1", {}).model_dump(),
                "outcomes": [
                    {"outcome_code": "TEST-U01-LO1", "coverage": "full"},
                    {"outcome_code": "TEST-U01-LO1", "coverage": "partial"},
                ],
            }
        )
    with pytest.raises(ValidationError, match="coverage"):
        module("M1", {"TEST-U01-LO1": "introductory"})


def test_curriculum_module_codes_are_unique() -> None:
    one = module("M1", {}).model_dump()
    data: dict[str, Any] = {
        "standard_code": "NASSC-TEST-TECH",
        "standard_version": 1,
        "title": "Test programme",
        "modules": [one, one],
    }

    with pytest.raises(ValidationError, match="module codes must be unique"):
        CurriculumCreate.model_validate(data)
    assert CurriculumCreate.model_validate({**data, "modules": [one]}).modules[0].code == "M1"


@pytest.mark.parametrize("country", list(Country))
@pytest.mark.parametrize(
    "path", sorted((PROJECT_ROOT / "curricula").glob("*.json")), ids=lambda path: path.stem
)
def test_each_seed_standard_can_be_met_in_each_country(path: Path, country: Country) -> None:
    standard = StandardCreate.model_validate(json.loads(path.read_text(encoding="utf-8")))
    profile = standard.delivery_profile_for(country)
    assert profile is not None
    electives = [u for u in standard.units if u.kind is UnitKind.elective]
    chosen = [u for u in standard.units if u.kind is UnitKind.mandatory]
    chosen += electives[: standard.electives_required]
    total = profile.min_hours
    work_based = profile.min_work_based_hours
    practice = max(0, round(total * profile.min_practice_share + 0.5) - work_based)
    modules = [
        module(
            "ALL",
            {outcome.code: "full" for unit in chosen for outcome in unit.outcomes},
            theory=total - practice - work_based,
            practice=practice,
            work_based=work_based,
            modality=profile.modalities[0].value,
            language=profile.languages[0].value,
        )
    ]

    assert coverage(modules, country, standard).gaps == []
