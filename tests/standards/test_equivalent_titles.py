"""Equivalent national credentials are named by their official titles in the page's language
where the awarding body publishes one (Red Seal's French names); otherwise by the official
original title, marked with its language (`lang`), never by a translation of our own."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import utcnow
from app.standards import service as standards_service
from app.standards.references import NationalEquivalent
from tests.web.helpers import Node, assert_page

ON_SQLITE = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

WIND = "NASSC-CLEAN-WIND-TECH"
BATTERY = "NASSC-EVB-CELL-TECH"
SEMI = "NASSC-SEMI-FAB-TECH"
ELECTRICIAN_FR = "Électricien industriel/électricienne industrielle"
FORKLIFT = "Operación de montacargas horizontal"
MILLWRIGHT = "Industrial Mechanic (Millwright)"
# (standard, country) -> page language -> [(title shown, its lang attribute or None)]
EXPECTED: dict[tuple[str, str], dict[str, list[tuple[str, str | None]]]] = {
    (WIND, "CA"): {
        "en": [("Industrial Electrician", None), ("Industrial Electrician (Ontario)", None)],
        "es": [("Industrial Electrician", "en"), ("Industrial Electrician (Ontario)", "en")],
        "fr": [(ELECTRICIAN_FR, None), ("Industrial Electrician (Ontario)", "en")],
    },
    (BATTERY, "CA"): {
        "en": [(MILLWRIGHT, None)],
        "es": [(MILLWRIGHT, "en")],
        "fr": [(MILLWRIGHT, "en")],
    },
    (BATTERY, "MX"): {
        "en": [("Técnico en Mecatrónica", "es"), (FORKLIFT, "es")],
        "es": [("Técnico en Mecatrónica", None), (FORKLIFT, None)],
        "fr": [("Técnico en Mecatrónica", "es"), (FORKLIFT, "es")],
    },
    (SEMI, "CA"): {
        "en": [("Instrumentation and Control Technician", None)],
        "es": [("Instrumentation and Control Technician", "en")],
        "fr": [("Technicien/technicienne en instrumentation et contrôle", None)],
    },
}


@pytest.fixture
def seeded(db: Session, settings: Settings) -> None:
    standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    db.commit()


def shown_titles(page: Node, country: str) -> list[tuple[str, str | None]]:
    """Each equivalent's title on a standard page, with its `lang` attribute."""
    [table] = page.find("section", id="equivalents").find_all(
        "table", aria_labelledby=f"equivalents-{country}"
    )
    titles = []
    for row in table.find("tbody").find_all("tr"):
        cell = row.find("th")
        title = (cell.find_all("a") or cell.find_all("span"))[0]
        lang = title.attrs.get("lang")
        titles.append((title.text, str(lang) if lang is not None else None))
    return titles


@ON_SQLITE
@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_standard_page_names_equivalents_in_its_language_or_marks_the_original(
    client: TestClient, seeded: None, language: str
) -> None:
    for (code, country), by_language in EXPECTED.items():
        page = assert_page(client.get(f"/standards/{code}", params={"lang": language}))
        assert shown_titles(page, country) == by_language[language], (code, country)


@ON_SQLITE
def test_the_seed_files_match_what_an_upgraded_database_stored(
    db: Session, settings: Settings, seeded: None
) -> None:
    again = standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    assert again.created == [] and len(again.unchanged) == len(
        list(Path(settings.curricula_dir).glob("*.json"))
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"translations": {"fr": "Électricien"}}, "title_language"),
        ({"title_language": "en", "translations": {"en": "Electrician"}}, "own language"),
    ],
)
def test_translations_need_the_original_language_and_differ_from_it(
    fields: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        NationalEquivalent.model_validate(
            {
                "country": "CA",
                "framework": "red-seal",
                "title": "Industrial Electrician",
                "recognition_type": "partial",
                "verified": True,
                **fields,
            }
        )
