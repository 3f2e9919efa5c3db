"""The home page and the site icon: `/` in English, Spanish and French, with a box to
verify a credential by its ID and the way to the catalog; links keep a chosen language."""

from __future__ import annotations

import struct

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.fields import Language
from app.web.i18n import gettext
from tests.verification.factories import issued_credential
from tests.web.helpers import assert_page

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

LANGUAGES: tuple[Language, ...] = tuple(Language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_in_each_language(client: TestClient, language: Language) -> None:
    response = client.get("/", params={"lang": language})
    page = assert_page(response)
    assert response.headers["content-language"] == language
    heading = gettext(language, "Skills credentials recognized across North America")
    assert page.find("h1").text == heading
    hrefs = {str(link.attrs["href"]) for link in page.find_all("a")}
    assert f"/standards?lang={language}" in hrefs
    assert f"/verify?lang={language}" in hrefs
    # The logo goes home, in the same language.
    assert page.find("a", class_="site-name").attrs["href"] == f"/?lang={language}"
    form = page.find("form", class_="home-verify__form")
    assert form.attrs["action"] == f"/verify?lang={language}"
    assert form.find("input", id="home-credential").attrs["name"] == "credential"


def test_home_page_negotiates_without_a_choice(client: TestClient) -> None:
    response = client.get("/", headers={"Accept-Language": "fr-CA"})
    page = assert_page(response)
    assert response.headers["content-language"] == "fr"
    assert page.find("a", class_="site-name").attrs["href"] == "/"


def test_the_home_form_opens_a_credential_by_its_id(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    for language in LANGUAGES:
        form = assert_page(client.get("/", params={"lang": language})).find("form")
        response = client.post(
            str(form.attrs["action"]),
            data={"credential": f"urn:uuid:{issued['id']}", "country": "all"},
        )
        page = assert_page(response)
        assert page.find("h1").attrs["data-verdict"] == "verified"
        assert page.find("html").attrs["lang"] == language


def test_error_pages_link_home_in_their_language(client: TestClient) -> None:
    page = assert_page(client.get("/verify/not-a-credential", params={"lang": "es"}), 404)
    hrefs = [str(link.attrs["href"]) for link in page.find_all("a")]
    assert "/?lang=es" in hrefs


def test_favicon_is_an_icon(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert "max-age" in response.headers["cache-control"]
    reserved, kind, count = struct.unpack("<HHH", response.content[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height = response.content[6], response.content[7]
    assert (width, height) == (32, 32)
    assert response.content[22:30] == b"\x89PNG\r\n\x1a\n"
    page = assert_page(client.get("/"))
    icons = [link for link in page.find_all("link") if link.attrs.get("rel") == "icon"]
    assert [icon.attrs["href"] for icon in icons] == ["/favicon.ico"]
