"""Vocabulary names come from the message catalogs, one source for pages and CASE packages.

Sector names are the pages' words (`SECTOR_NAMES`); the kinds of units, outcomes and
recognition are the CASE packages' own words. Every name is the one published before the
labels moved into the catalogs, in each language.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import utcnow
from app.fields import Language
from app.standards import service as standards_service
from app.standards.enums import OutcomeKind, RecognitionType, Sector, UnitKind
from app.standards.labels import (
    outcome_kind_label,
    recognition_label,
    sector_label,
    unit_kind_label,
)
from app.standards.localized import LocalizedText
from app.web.i18n import gettext
from app.web.vocabulary import SECTOR_NAMES

PUBLISHED = {
    Sector.semiconductors: (
        "Semiconductors and advanced electronics",
        "Semiconductores y electrónica avanzada",
        "Semi-conducteurs et électronique de pointe",
    ),
    Sector.critical_minerals_clean_energy: (
        "Critical minerals and clean energy",
        "Minerales críticos y energía limpia",
        "Minéraux critiques et énergie propre",
    ),
    Sector.ev_batteries: (
        "Electric vehicles and batteries",
        "Vehículos eléctricos y baterías",
        "Véhicules électriques et batteries",
    ),
    Sector.biopharma_medical: (
        "Biopharmaceuticals and medical supplies",
        "Biofarmacéuticos e insumos médicos",
        "Produits biopharmaceutiques et fournitures médicales",
    ),
    Sector.aerospace_defense: (
        "Aerospace and defense",
        "Aeroespacial y defensa",
        "Aérospatiale et défense",
    ),
}
"""The names published before the labels moved to the catalogs: the move changed no word."""


CASE_NAMES: list[tuple[LocalizedText, tuple[str, str, str]]] = [
    (
        unit_kind_label(UnitKind.mandatory),
        ("Mandatory unit", "Unidad obligatoria", "Unité obligatoire"),
    ),
    (unit_kind_label(UnitKind.elective), ("Elective unit", "Unidad optativa", "Unité optionnelle")),
    (outcome_kind_label(OutcomeKind.knowledge), ("knowledge", "conocimiento", "savoirs")),
    (outcome_kind_label(OutcomeKind.skill), ("skill", "habilidad", "savoir-faire")),
    (
        outcome_kind_label(OutcomeKind.responsibility),
        (
            "responsibility and autonomy",
            "responsabilidad y autonomía",
            "responsabilité et autonomie",
        ),
    ),
    (
        recognition_label(RecognitionType.full),
        ("full recognition", "reconocimiento total", "reconnaissance complète"),
    ),
    (
        recognition_label(RecognitionType.partial),
        ("partial recognition", "reconocimiento parcial", "reconnaissance partielle"),
    ),
    (
        recognition_label(RecognitionType.gap_training),
        (
            "recognition after gap training",
            "reconocimiento con formación complementaria",
            "reconnaissance après une formation d'appoint",
        ),
    ),
    (
        recognition_label(RecognitionType.challenge_exam),
        (
            "recognition by challenge exam",
            "reconocimiento mediante examen de acreditación",
            "reconnaissance par examen d'équivalence",
        ),
    ),
]


@pytest.mark.parametrize(("label", "published"), CASE_NAMES)
def test_case_names_are_translated_as_before(
    label: LocalizedText, published: tuple[str, str, str]
) -> None:
    assert (label.en, label.es, label.fr) == published


def test_every_kind_is_named() -> None:
    assert {unit_kind_label(kind).en for kind in UnitKind} <= {name.en for name, _ in CASE_NAMES}
    assert {outcome_kind_label(kind).en for kind in OutcomeKind} <= {
        name.en for name, _ in CASE_NAMES
    }
    assert {recognition_label(kind).en for kind in RecognitionType} <= {
        name.en for name, _ in CASE_NAMES
    }


@pytest.mark.parametrize("sector", list(Sector))
def test_every_sector_is_named_in_three_languages_as_before(sector: Sector) -> None:
    label = sector_label(sector)
    assert (label.en, label.es, label.fr) == PUBLISHED[sector]


@pytest.mark.parametrize("language", list(Language))
def test_the_label_is_the_pages_word_as_the_catalog_translates_it(language: Language) -> None:
    assert set(SECTOR_NAMES) == set(Sector)
    for sector, msgid in SECTOR_NAMES.items():
        assert sector_label(sector).en == msgid
        assert sector_label(sector).in_language(language) == gettext(language, msgid)


@pytest.mark.parametrize("language", list(Language))
def test_case_packages_publish_the_sector_name_in_their_language(
    client: TestClient, db: Session, settings: Settings, language: Language
) -> None:
    standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    db.commit()
    listing = client.get("/api/v1/standards", params={"per_page": 100})
    assert listing.status_code == 200, listing.text
    items = listing.json()["items"]
    assert {item["sector"] for item in items} == {sector.value for sector in Sector}
    for item in items:
        response = client.get(f"/api/v1/standards/{item['code']}/case", params={"lang": language})
        assert response.status_code == 200, response.text
        package = response.json()
        name = sector_label(Sector(item["sector"])).in_language(language)
        assert package["CFDocument"]["subject"] == [name]
        subjects = package["CFDefinitions"]["CFSubjects"]
        assert [subject["title"] for subject in subjects] == [name]
