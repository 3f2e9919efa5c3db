"""Links to machine documents in a credential (its achievement id, the standard's API
address) open the readable page for a browser and stay JSON for a program."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.fields import Language
from app.web.negotiation import prefers_html
from tests.verification.factories import issued_credential
from tests.web.helpers import assert_page

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LANGUAGES: tuple[Language, ...] = tuple(Language)


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("*/*", False),
        (None, False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html", True),
    ],
)
def test_who_prefers_a_page(accept: str | None, html: bool) -> None:
    assert prefers_html(accept) is html


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_the_achievement_id_opens_the_standard_page_in_a_browser(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    achievement = issued["credential"]["credentialSubject"]["achievement"]["id"]
    path = str(achievement).removeprefix("http://testserver")
    standard = setup.standard
    for language in LANGUAGES:
        response = client.get(
            path, params={"lang": language}, headers={"Accept": BROWSER}, follow_redirects=False
        )
        assert response.status_code == 303
        location = response.headers["location"]
        assert location == f"/standards/{standard.code}?version={standard.version}&lang={language}"
        page = assert_page(client.get(location))
        assert page.find("html").attrs["lang"] == language
    program = client.get(path)
    assert program.status_code == 200
    assert program.headers["content-type"].startswith("application/json")
    assert program.json()["code"] == standard.code
