"""Search without minding accents or case, on SQLite and PostgreSQL: the catalog ("baterias",
"eolienne", occupation codes of SOC, NOC and SINCO) and the console's holder search
("jose hernandez")."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.db import fold_text, utcnow
from app.standards import service as standards_service
from tests.console.helpers import CONSOLE, issue, page, signed_in
from tests.credentials.factories import issuing_setup
from tests.web.helpers import assert_page

EVB = "NASSC-EVB-CELL-TECH"
WIND = "NASSC-CLEAN-WIND-TECH"


@pytest.fixture
def seeded(db: Session, settings: Settings) -> None:
    standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    db.commit()


def found(client: TestClient, q: str, language: str) -> list[str]:
    catalog = assert_page(client.get("/standards", params={"q": q, "lang": language}))
    return [code.text for code in catalog.find("table").find("tbody").find_all("code")]


def test_fold_text() -> None:
    assert fold_text("José HERNÁNDEZ, Éolienne, baterías, ÑANDÚ") == (
        "jose hernandez, eolienne, baterias, nandu"
    )


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("baterias", EVB),
        ("BATERÍAS", EVB),
        ("eolienne", WIND),
        ("ÉOLIENNES", WIND),
        ("49-9081", WIND),  # SOC 2018
        ("72201", WIND),  # NOC 2021
        ("94203", EVB),
    ],
)
def test_catalog_search_ignores_accents_and_finds_codes(
    client: TestClient, seeded: None, q: str, code: str
) -> None:
    for language in ("en", "es", "fr"):
        assert found(client, q, language) == [code], (q, language)
    listed = client.get("/api/v1/standards", params={"q": q}).json()
    assert [item["code"] for item in listed["items"]] == [code]


def test_console_holder_search_ignores_accents(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    wanted = issue(client, setup, name="José Hernández")
    issue(client, setup, name="Josée Tremblay")
    signed_in(client, db, Role.auditor)
    for typed in ("jose hernandez", "HERNANDEZ jose", "José Hernández", "hernán"):
        listing = page(client.get(f"{CONSOLE}/credentials", params={"holder": typed}))
        rows = listing.find("table").find("tbody").find_all("tr")
        assert [row.find("a").attrs["href"] for row in rows] == [
            f"{CONSOLE}/credentials/{wanted}?lang=en"
        ], typed
