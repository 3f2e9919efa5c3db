"""CASE 1.0 export: one CFItem per unit and outcome, isChildOf hierarchy, stable identifiers."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from app.config import PROJECT_ROOT
from app.fields import Language
from app.standards.case import build_case_package, case_item_uri
from app.standards.schemas import StandardCreate
from tests.standards.standard_data import make_standard

BASE_URL = "https://credentials.example.org"
CHANGED = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
SEED_FILES = sorted((PROJECT_ROOT / "curricula").glob("*.json"))

DOCUMENT_FIELDS = {
    "identifier",
    "uri",
    "creator",
    "title",
    "lastChangeDateTime",
    "language",
    "version",
    "adoptionStatus",
}
ITEM_FIELDS = {
    "identifier",
    "uri",
    "CFDocumentURI",
    "fullStatement",
    "humanCodingScheme",
    "CFItemType",
    "CFItemTypeURI",
    "language",
    "lastChangeDateTime",
}
ASSOCIATION_FIELDS = {
    "identifier",
    "uri",
    "associationType",
    "originNodeURI",
    "destinationNodeURI",
    "CFDocumentURI",
    "lastChangeDateTime",
}


def package(
    standard: StandardCreate, lang: Language = Language.en, base_url: str = BASE_URL
) -> dict[str, Any]:
    """The CASE package of `standard`, stamped `CHANGED`."""
    return build_case_package(standard, base_url=base_url, lang=lang, last_change_date_time=CHANGED)


def seed(path: Path) -> StandardCreate:
    """A seed standard file, validated."""
    return StandardCreate.model_validate(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.stem)
def test_seed_export_has_one_item_and_one_is_child_of_per_unit_and_outcome(
    path: Path, lang: Language
) -> None:
    standard = seed(path)
    result = package(standard, lang)
    items = result["CFItems"]
    expected_codes = [unit.code for unit in standard.units]
    expected_codes += [outcome.code for _, outcome in standard.iter_outcomes()]

    assert sorted(item["humanCodingScheme"] for item in items) == sorted(expected_codes)
    children = [a for a in result["CFAssociations"] if a["associationType"] == "isChildOf"]
    assert Counter(a["originNodeURI"]["identifier"] for a in children) == Counter(
        item["identifier"] for item in items
    )
    json.dumps(result)


def test_hierarchy_links_units_to_document_and_outcomes_to_units() -> None:
    standard = make_standard()
    result = package(standard)
    by_code = {item["humanCodingScheme"]: item for item in result["CFItems"]}
    parent_of = {
        a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
        for a in result["CFAssociations"]
        if a["associationType"] == "isChildOf"
    }
    document_id = result["CFDocument"]["identifier"]

    for unit in standard.units:
        assert parent_of[by_code[unit.code]["identifier"]] == document_id
        for outcome in unit.outcomes:
            assert (
                parent_of[by_code[outcome.code]["identifier"]] == by_code[unit.code]["identifier"]
            )


def test_case_field_names_are_present() -> None:
    result = package(make_standard())

    assert set(result["CFDocument"]) >= DOCUMENT_FIELDS
    assert all(set(item) >= ITEM_FIELDS for item in result["CFItems"])
    assert all(set(a) >= ASSOCIATION_FIELDS for a in result["CFAssociations"])
    assert set(result["CFDefinitions"]) == {"CFItemTypes", "CFSubjects", "CFAssociationGroupings"}
    assert result["CFDocument"]["adoptionStatus"] == "Adopted"
    assert result["CFDocument"]["lastChangeDateTime"] == "2025-03-01T12:30:00+00:00"


def test_items_are_typed_and_outcomes_carry_performance_criteria() -> None:
    result = package(make_standard())
    items = {item["humanCodingScheme"]: item for item in result["CFItems"]}
    unit_type, outcome_type = result["CFDefinitions"]["CFItemTypes"]

    assert items["TEST-U01"]["CFItemTypeURI"]["identifier"] == unit_type["identifier"]
    assert items["TEST-U01"]["CFItemType"] == "Competency Unit"
    assert items["TEST-U01"]["notes"] == "Mandatory unit; assessment weight: 40%."
    assert items["TEST-U01-LO1"]["CFItemTypeURI"]["identifier"] == outcome_type["identifier"]
    assert items["TEST-U01-LO1"]["notes"].splitlines() == [
        "Performance criteria:",
        "1. Criterion 1 of TEST-U01-LO1",
        "2. Criterion 2 of TEST-U01-LO1",
    ]


def test_package_text_is_in_the_requested_language() -> None:
    result = package(make_standard(), Language.fr)
    items = {item["humanCodingScheme"]: item for item in result["CFItems"]}

    assert result["CFDocument"]["language"] == "fr"
    assert result["CFDocument"]["title"] == "Test technician (fr)"
    assert items["TEST-U01-LO1"]["fullStatement"] == "Outcome TEST-U01-LO1 (fr)"
    assert items["TEST-U01"]["CFItemType"] == "Unité de compétence"


def identifiers(result: dict[str, Any]) -> list[str]:
    """Every identifier the package defines."""
    found = [result["CFDocument"]["identifier"]]
    found += [item["identifier"] for item in result["CFItems"]]
    found += [a["identifier"] for a in result["CFAssociations"]]
    return found


def test_identifiers_are_deterministic_unique_uuid5_and_independent_of_base_url() -> None:
    standard = make_standard()
    first = identifiers(package(standard))

    assert first == identifiers(package(standard))
    assert first == identifiers(package(standard, base_url="http://localhost:8000"))
    assert len(set(first)) == len(first)
    assert all(uuid.UUID(identifier).version == 5 for identifier in first)


def test_identifiers_differ_by_language_and_version() -> None:
    standard = make_standard()
    english = set(identifiers(package(standard)))

    assert english.isdisjoint(identifiers(package(standard, Language.es)))
    next_version = standard.model_copy(update={"version": 2})
    assert english.isdisjoint(identifiers(package(next_version)))


def test_item_uris_follow_the_documented_scheme() -> None:
    standard = make_standard()
    result = package(standard, Language.es, base_url=BASE_URL + "/")
    item = next(i for i in result["CFItems"] if i["humanCodingScheme"] == "TEST-U02")

    expected = f"{BASE_URL}/api/v1/standards/NASSC-TEST-TECH/case/items/{item['identifier']}"
    assert item["uri"] == expected
    assert case_item_uri(BASE_URL, standard.code, standard.version, Language.es, "TEST-U02") == (
        expected
    )


def test_equivalents_map_to_exact_match_or_related_associations() -> None:
    result = package(make_standard())
    items = {item["identifier"]: item["humanCodingScheme"] for item in result["CFItems"]}
    document_id = result["CFDocument"]["identifier"]
    equivalences = [a for a in result["CFAssociations"] if a["associationType"] != "isChildOf"]

    found = {
        (a["associationType"], items.get(a["originNodeURI"]["identifier"], "document"))
        for a in equivalences
    }
    assert found == {
        ("exactMatchOf", "TEST-U01"),
        ("isRelatedTo", "document"),
        ("isRelatedTo", "TEST-U01"),
        ("isRelatedTo", "TEST-U02"),
    }
    assert len(equivalences) == 4
    red_seal = next(a for a in equivalences if a["originNodeURI"]["identifier"] == document_id)
    assert red_seal["destinationNodeURI"]["uri"].startswith("urn:uuid:")


def test_equivalence_groupings_keep_recognition_type_and_verification() -> None:
    result = package(make_standard())
    groupings = {
        g["identifier"]: g["title"] for g in result["CFDefinitions"]["CFAssociationGroupings"]
    }
    conocer = [
        a
        for a in result["CFAssociations"]
        if a["destinationNodeURI"]["title"] == "EC0118: Electrical installations in housing"
    ]

    assert len(conocer) == 2
    assert {groupings[a["CFAssociationGroupingURI"]["identifier"]] for a in conocer} == {
        "National equivalents: recognition after gap training (unverified)"
    }
    assert len(groupings) == 3


def test_timestamp_is_normalised_to_utc_and_must_be_aware() -> None:
    mexico_city = timezone(timedelta(hours=-6))
    result = build_case_package(
        make_standard(),
        base_url=BASE_URL,
        lang=Language.en,
        last_change_date_time=datetime(2025, 3, 1, 6, 30, tzinfo=mexico_city),
    )
    assert result["CFItems"][0]["lastChangeDateTime"] == "2025-03-01T12:30:00+00:00"

    with pytest.raises(ValueError, match="timezone-aware"):
        build_case_package(
            make_standard(),
            base_url=BASE_URL,
            lang=Language.en,
            last_change_date_time=datetime(2025, 3, 1),
        )
