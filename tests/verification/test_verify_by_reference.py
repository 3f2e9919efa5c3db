"""`/verify` takes what a certificate prints or a holder shares: a credential id, its
`urn:uuid:` form or a verification link, and opens that credential's page in the reader's
language and country; anything else is still verified as a document."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.fields import Language
from app.verification.form_input import credential_reference
from tests.verification.factories import issued_credential
from tests.web.helpers import assert_page

SQLITE = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

LANGUAGES: tuple[Language, ...] = tuple(Language)
UUID = "0b7e2c58-3f4a-4c1e-9a57-2d8f1e6b9c30"


@pytest.mark.parametrize(
    "typed",
    [
        UUID,
        f"urn:uuid:{UUID}",
        f"  URN:UUID:{UUID.upper()}  ",
        f"https://verify.nassc.org/verify/{UUID}",
        f"http://testserver/verify/{UUID}?lang=fr&country=MX",
        f"/verify/{UUID}/certificate",
    ],
)
def test_references_are_read(typed: str) -> None:
    assert credential_reference(typed) == UUID


@pytest.mark.parametrize(
    "typed",
    ["", "hello", f"{UUID} {UUID}", f'{{"id": "urn:uuid:{UUID}"}}', f"https://x/other/{UUID}"],
)
def test_other_text_is_not_a_reference(typed: str) -> None:
    assert credential_reference(typed) is None


@SQLITE
def test_an_id_or_link_opens_the_credential_page(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    credential_id = issued["id"]
    for language in LANGUAGES:
        for typed in (credential_id, f"urn:uuid:{credential_id}", issued["verify_url"]):
            response = client.post(
                "/verify",
                params={"lang": language},
                data={"credential": typed, "country": "CA"},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text
            location = response.headers["location"]
            assert location == f"/verify/{credential_id}?lang={language}&country=CA"
            page = assert_page(client.get(location))
            assert page.find("h1").attrs["data-verdict"] == "verified"
    # Without a chosen language or country the page negotiates them as usual.
    plain = client.post(
        "/verify", data={"credential": credential_id, "country": "all"}, follow_redirects=False
    )
    assert plain.headers["location"] == f"/verify/{credential_id}?country=all"


@SQLITE
def test_an_unknown_id_is_the_not_found_page(client: TestClient) -> None:
    response = client.post("/verify?lang=fr", data={"credential": UUID})
    page = assert_page(response, 404)
    assert page.find("html").attrs["lang"] == "fr"
