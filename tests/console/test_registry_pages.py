"""Console pages for providers, standards, staff users and signing keys: lists filtered and
paginated like the credential search, detail pages, in en/es/fr, and nothing secret shown."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.keys.models import SigningKey
from app.providers.models import ApiClient
from app.users.models import StaffUser
from tests.console.helpers import CONSOLE, Element, page, signed_in
from tests.credentials.factories import IssuingSetup, issuing_setup

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

HEADINGS = {
    "providers": {
        "en": "Training providers",
        "es": "Proveedores de capacitación",
        "fr": "Organismes de formation",
    },
    "standards": {"en": "Standards", "es": "Estándares", "fr": "Normes"},
    "users": {
        "en": "Staff users",
        "es": "Usuarios del personal",
        "fr": "Utilisateurs du personnel",
    },
    "keys": {"en": "Signing keys", "es": "Claves de firma", "fr": "Clés de signature"},
}


@pytest.fixture
def setup(client: TestClient, app: FastAPI, db: Session) -> IssuingSetup:
    made = issuing_setup(client, app, db)
    signed_in(client, db, Role.admin)
    return made


def rows(document: Element) -> list[list[str]]:
    body = document.find("table", class_="console-table").find("tbody")
    return [
        [cell.text for cell in row.walk() if cell.tag in {"th", "td"}]
        for row in body.find_all("tr")
    ]


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_each_list_and_its_first_item_open_in_each_language(
    client: TestClient, setup: IssuingSetup, language: str
) -> None:
    for kind, headings in HEADINGS.items():
        listing = page(client.get(f"{CONSOLE}/{kind}", params={"lang": language}))
        assert listing.find("html").attrs["lang"] == language
        assert listing.find("h1").text == headings[language]
        nav = listing.find("nav", class_="site-nav")
        assert listing.find("a", **{"aria-current": "page"}) in nav.walk()
        first = listing.find("table", class_="console-table").find("tbody").find("a")
        href = str(first.attrs["href"])
        assert f"lang={language}" in href
        item = page(client.get(href))
        assert first.text in item.find("main").text
        assert item.find("dl", class_="facts").find_all("dd")


def test_provider_page_shows_its_clients_but_no_secret(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    response = client.get(f"{CONSOLE}/providers/{setup.provider_id}")
    document = page(response)
    clients = db.scalars(select(ApiClient).where(ApiClient.provider_id == setup.provider_id)).all()
    assert clients
    listed = [row[0] for row in rows(document)]
    assert listed == [client.client_id for client in clients]
    assert all(client.secret_hash not in response.text for client in clients)
    link = document.find("ul", class_="console-links").find("a")
    assert f"provider_id={setup.provider_id}" in str(link.attrs["href"])


def test_filters_and_pagination(client: TestClient, setup: IssuingSetup) -> None:
    accredited = rows(page(client.get(f"{CONSOLE}/providers", params={"status": "accredited"})))
    assert accredited and all(row[-1] == "Accredited" for row in accredited)
    everyone = rows(page(client.get(f"{CONSOLE}/providers")))
    assert rows(page(client.get(f"{CONSOLE}/providers?status=nonsense"))) == everyone
    pending = page(client.get(f"{CONSOLE}/providers", params={"status": "pending"}))
    assert pending.find_all("table", class_="console-table") == []
    drafts = page(client.get(f"{CONSOLE}/standards", params={"status": "draft"}))
    assert drafts.find_all("table", class_="console-table") == []
    published = rows(page(client.get(f"{CONSOLE}/standards", params={"status": "published"})))
    assert len(published) == 5
    wind = rows(page(client.get(f"{CONSOLE}/standards", params={"q": "eolienne"})))
    assert [row[0] for row in wind] == ["NASSC-CLEAN-WIND-TECH"]
    admins = rows(page(client.get(f"{CONSOLE}/users", params={"role": "admin"})))
    assert admins and all(row[1] == "Administrator" for row in admins)
    second = page(client.get(f"{CONSOLE}/standards", params={"page": "2"}))
    assert second.find_all("table", class_="console-table") == []


def test_user_and_key_pages_show_no_hash_and_no_private_key(
    client: TestClient, db: Session, setup: IssuingSetup
) -> None:
    staff = db.scalars(select(StaffUser)).first()
    assert staff is not None
    response = client.get(f"{CONSOLE}/users/{staff.id}")
    page(response)
    assert staff.password_hash not in response.text
    assert "argon2" not in response.text
    key = db.scalars(select(SigningKey)).first()
    assert key is not None
    response = client.get(f"{CONSOLE}/keys/{key.id}")
    document = page(response)
    assert key.public_key_multibase in document.text
    assert "PRIVATE KEY" not in response.text
    assert page(client.get(f"{CONSOLE}/keys/999999"), 404)


@pytest.mark.parametrize("role", [Role.registrar, Role.auditor])
def test_only_administrators_see_the_staff_users(
    client: TestClient, app: FastAPI, db: Session, role: Role
) -> None:
    issuing_setup(client, app, db)
    signed_in(client, db, role)
    document = page(client.get(f"{CONSOLE}/keys"))
    nav = document.find("nav", class_="site-nav")
    assert "/console/users" not in " ".join(str(a.attrs["href"]) for a in nav.find_all("a"))
    assert client.get(f"{CONSOLE}/users").status_code == 403
