"""Seed standards in curricula/: valid, one per priority sector, trilingual, regionally bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.fields import Country, Language
from app.standards.enums import PRIORITY_SECTORS, StandardStatus
from app.standards.localized import LocalizedText
from app.standards.schemas import StandardCreate

SEED_FILES = sorted((PROJECT_ROOT / "curricula").glob("*.json"))


def load(path: Path) -> StandardCreate:
    """A seed file validated by the same schema the API uses."""
    return StandardCreate.model_validate(json.loads(path.read_text(encoding="utf-8")))


def labels(standard: StandardCreate) -> list[LocalizedText]:
    """Every trilingual label of a standard."""
    found = [standard.title, standard.description]
    found += [occupation.title for occupation in standard.occupations]
    for unit in standard.units:
        found.append(unit.title)
        for outcome in unit.outcomes:
            found += [outcome.text, *outcome.performance_criteria]
    return found


def test_at_least_five_seed_files() -> None:
    assert len(SEED_FILES) >= 5


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.stem)
def test_seed_file_is_a_complete_published_standard(path: Path) -> None:
    standard = load(path)

    assert path.name.endswith(f".v{standard.version}.json")
    assert standard.status is StandardStatus.published
    assert len(standard.units) >= 4
    assert all(len(unit.outcomes) >= 2 for unit in standard.units)
    assert all(outcome.performance_criteria for _, outcome in standard.iter_outcomes())
    assert {profile.country for profile in standard.delivery_profiles} == set(Country)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.stem)
def test_seed_labels_are_translated(path: Path) -> None:
    for label in labels(load(path)):
        assert label.es != label.en, label.en
        assert label.fr != label.en, label.en
        assert label.fr != label.es, label.en


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.stem)
def test_seed_delivery_varies_by_country_within_shared_outcomes(path: Path) -> None:
    standard = load(path)
    bounds = {
        (p.min_hours, p.max_hours, p.min_work_based_hours) for p in standard.delivery_profiles
    }

    assert len(bounds) == len(standard.delivery_profiles)
    by_country = {p.country: p for p in standard.delivery_profiles}
    assert Language.fr in by_country[Country.ca].languages
    assert Language.es in by_country[Country.mx].languages


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.stem)
def test_unverified_codes_say_why(path: Path) -> None:
    standard = load(path)
    for occupation in standard.occupations:
        for code in (occupation.soc_2018, occupation.noc_2021, occupation.sinco_2019):
            assert code.verified or code.note, code.code
    for equivalent in standard.equivalents:
        assert equivalent.verified or equivalent.note, equivalent.title


def test_seed_files_cover_every_priority_sector_with_unique_codes() -> None:
    standards = [load(path) for path in SEED_FILES]

    assert {standard.sector for standard in standards} >= PRIORITY_SECTORS
    codes = [(standard.code, standard.version) for standard in standards]
    assert len(set(codes)) == len(codes)
