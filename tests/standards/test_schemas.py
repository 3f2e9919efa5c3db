"""Standard schemas: a valid standard parses, and each kind of bad input fails naming its field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.standards.enums import PRIORITY_SECTORS, Sector
from app.standards.localized import LocalizedText
from app.standards.references import Noc2021Code
from app.standards.schemas import DeliveryProfile, StandardCreate, StandardRead
from tests.standards.standard_data import make_standard, profile, standard_data


def rejection(data: dict[str, Any]) -> str:
    """The validation errors of `data` as one string of `location: message` lines."""
    with pytest.raises(ValidationError) as caught:
        StandardCreate.model_validate(data)
    return "\n".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
        for error in caught.value.errors()
    )


def test_valid_standard_parses() -> None:
    standard = make_standard()

    assert standard.code == "NASSC-TEST-TECH"
    assert [u.code for u, _ in standard.iter_outcomes()][:2] == ["TEST-U01", "TEST-U01"]
    profile_us = standard.delivery_profile_for(standard.delivery_profiles[0].country)
    assert profile_us is not None and profile_us.country == "US"


def test_read_schema_ignores_storage_fields() -> None:
    read = StandardRead.model_validate({**standard_data(), "id": 7, "created_at": "2025-01-01"})

    assert read.code == "NASSC-TEST-TECH"


def test_localized_text_strips_and_requires_all_three_languages() -> None:
    assert LocalizedText(en="  Safety ", es="Seguridad", fr="Sécurité").en == "Safety"
    with pytest.raises(ValidationError, match="fr"):
        LocalizedText.model_validate({"en": "Safety", "es": "Seguridad"})
    with pytest.raises(ValidationError, match="es"):
        LocalizedText(en="Safety", es="   ", fr="Sécurité")


def test_label_in_unknown_language_is_rejected() -> None:
    data = standard_data()
    data["title"]["de"] = "Techniker"

    assert "title.de: Extra inputs are not permitted" in rejection(data)


def test_misspelt_field_is_rejected() -> None:
    data = standard_data()
    data["validity_year"] = data.pop("validity_years")

    errors = rejection(data)
    assert "validity_year: Extra inputs are not permitted" in errors
    assert "validity_years: Field required" in errors


@pytest.mark.parametrize("code", ["semi-tech", "NASSC", "NASSC-", "NASSC-semi", "MSSC-SEMI-TECH"])
def test_standard_code_format(code: str) -> None:
    assert rejection({**standard_data(), "code": code}).startswith("code:")


def test_version_is_a_positive_integer() -> None:
    assert rejection({**standard_data(), "version": 0}).startswith("version:")
    assert rejection({**standard_data(), "version": "1.2.0"}).startswith("version:")


def test_unknown_sector_is_rejected() -> None:
    assert rejection({**standard_data(), "sector": "agriculture"}).startswith("sector:")


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("soc_2018", "519141"),
        ("soc_2018", "52-9141"),
        ("soc_2018", "51-914"),
        ("noc_2021", "2231"),
        ("noc_2021", "26310"),
        ("sinco_2019", "264"),
        ("sinco_2019", "0264"),
    ],
)
def test_occupation_code_formats(system: str, code: str) -> None:
    data = standard_data()
    data["occupations"][0][system]["code"] = code

    assert rejection(data).startswith(f"occupations.0.{system}.code:")


def test_noc_code_carries_its_teer() -> None:
    assert Noc2021Code(code="94201", match_type="exact", verified=True).teer == 4
    assert make_standard().occupations[0].unverified_systems == ["sinco_2019"]


def test_unit_codes_are_unique() -> None:
    data = standard_data()
    data["units"][1]["code"] = "TEST-U01"

    assert "units[1].code 'TEST-U01' repeats units[0].code" in rejection(data)


def test_outcome_codes_are_unique_across_units() -> None:
    data = standard_data()
    data["units"][1]["outcomes"][0]["code"] = "TEST-U01-LO1"

    assert "units[1].outcomes[0].code 'TEST-U01-LO1' repeats" in rejection(data)


def test_outcome_codes_are_unique_within_a_unit() -> None:
    data = standard_data()
    data["units"][0]["outcomes"][1]["code"] = "TEST-U01-LO1"

    assert "units.0.outcomes: Value error, duplicate outcome code" in rejection(data)


def test_outcome_needs_performance_criteria() -> None:
    data = standard_data()
    data["units"][0]["outcomes"][0]["performance_criteria"] = []

    assert rejection(data).startswith("units.0.outcomes.0.performance_criteria:")


def test_at_least_one_unit_is_mandatory() -> None:
    data = standard_data()
    for item in data["units"]:
        item["kind"] = "elective"
        item["weight_percent"] = 50
    data["electives_required"] = 2

    assert "at least one unit must be mandatory" in rejection(data)


def test_weights_sum_to_100() -> None:
    data = standard_data()
    data["units"][0]["weight_percent"] = 30

    assert "must sum to 100, not 90" in rejection(data)


def test_elective_weights_are_equal() -> None:
    data = standard_data()
    data["units"][3]["weight_percent"] = 25

    assert "elective units must share one weight" in rejection(data)


def test_electives_required_within_electives() -> None:
    data = standard_data()
    data["electives_required"] = 3

    assert "electives_required (3) exceeds the 2 elective unit(s)" in rejection(data)


def test_written_assessment_states_items_and_minutes() -> None:
    data = standard_data()
    del data["assessments"][0]["item_count"]

    assert "item_count: a written assessment states its number of items" in rejection(data)


def test_assessment_refers_to_existing_units() -> None:
    data = standard_data()
    data["assessments"][0]["unit_codes"] = ["TEST-U09"]

    assert "assessments[0].unit_codes: no such unit ['TEST-U09']" in rejection(data)


def test_equivalent_framework_belongs_to_its_country() -> None:
    data = standard_data()
    data["equivalents"][0]["country"] = "MX"

    assert "framework 'mssc' belongs to US, not MX" in rejection(data)


def test_conocer_code_format() -> None:
    data = standard_data()
    data["equivalents"][2]["code"] = "0118"

    assert "a CONOCER standard code looks like 'EC0118'" in rejection(data)


def test_equivalent_refers_to_existing_units() -> None:
    data = standard_data()
    data["equivalents"][0]["unit_codes"] = ["TEST-U09"]

    assert "equivalents[0].unit_codes: no such unit" in rejection(data)


def test_equivalents_are_not_repeated() -> None:
    data = standard_data()
    data["equivalents"].append(dict(data["equivalents"][0]))

    assert "equivalents[3] repeats an earlier equivalent" in rejection(data)


def test_equivalent_jurisdiction_is_in_its_country() -> None:
    data = standard_data()
    data["equivalents"][1]["jurisdiction"] = "US-TX"

    assert "jurisdiction: 'US-TX' is not in country CA" in rejection(data)


def test_delivery_min_hours_not_above_max_hours() -> None:
    with pytest.raises(ValidationError, match=r"min_hours \(300\) must not exceed max_hours"):
        DeliveryProfile.model_validate(profile("US", min_hours=300, max_hours=200))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_hours", -10),
        ("min_work_based_hours", -1),
        ("min_practice_share", 1.5),
        ("languages", ["en", "pt"]),
        ("modalities", ["correspondence"]),
        ("languages", []),
    ],
)
def test_delivery_profile_bad_values(field: str, value: object) -> None:
    data = standard_data()
    data["delivery_profiles"][0][field] = value

    assert rejection(data).startswith(f"delivery_profiles.0.{field}")


def test_one_delivery_profile_per_country() -> None:
    data = standard_data()
    data["delivery_profiles"].append(profile("US"))

    assert "more than one delivery profile for US" in rejection(data)


def test_published_standard_needs_every_country_and_an_assessment() -> None:
    data = standard_data()
    data["delivery_profiles"] = data["delivery_profiles"][:2]
    assert "needs a profile for ['CA']" in rejection(data)

    data = standard_data()
    data["assessments"] = []
    assert "a published standard has at least one assessment" in rejection(data)


def test_draft_may_be_incomplete() -> None:
    data = {**standard_data(), "status": "draft", "assessments": [], "delivery_profiles": []}

    assert StandardCreate.model_validate(data).status == "draft"


def test_five_sectors_are_priority() -> None:
    assert set(Sector) >= PRIORITY_SECTORS
    assert len(PRIORITY_SECTORS) == 5
