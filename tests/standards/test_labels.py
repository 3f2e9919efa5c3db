"""Sector names have one source: the pages' words (`SECTOR_NAMES`) and the message catalogs.

The CASE packages publish the same names the pages show, in the package's language.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import utcnow
from app.fields import Language
from app.standards import service as standards_service
from app.standards.enums import Sector
from app.standards.labels import sector_label
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
