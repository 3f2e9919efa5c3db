"""Every link inside an issued credential that is under our base URL resolves: the
achievement, the CASE CFItems the alignments name, the status lists, the issuer's home page
(its `issuer.url`), each with the media type a program asks for, and HTML for browsers where
a page exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.credentials.factories import issue_body, issuing_setup

JSON_TYPES = ("application/json", "application/ld+json", "application/did+ld+json")


def urls_in(value: Any, base_url: str) -> Iterator[str]:
    """Every string in the document that is a URL under `base_url`, fragment removed."""
    if isinstance(value, dict):
        for item in value.values():
            yield from urls_in(item, base_url)
    elif isinstance(value, list):
        for item in value:
            yield from urls_in(item, base_url)
    elif isinstance(value, str) and (value == base_url or value.startswith(base_url + "/")):
        yield value.split("#", 1)[0]


def local(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("index", range(5))
def test_every_link_in_an_issued_credential_resolves(
    client: TestClient, app: FastAPI, db: Session, index: int
) -> None:
    setup = issuing_setup(client, app, db, index=index)
    issued = client.post(
        "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
    )
    assert issued.status_code == 201, issued.text
    document = issued.json()["credential"]
    base_url = app.state.settings.public_base_url.rstrip("/")

    links = sorted(set(urls_in(document, base_url)))
    case_items = [url for url in links if "/case/items/" in url]
    assert case_items, links
    assert base_url in links  # issuer.url
    for url in links:
        response = client.get(local(url), headers={"Accept": "application/json"})
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
        media_type = response.headers["content-type"].split(";")[0]
        assert media_type in JSON_TYPES, (url, media_type)
        assert isinstance(response.json(), dict), url

    for url in case_items:
        item = client.get(local(url)).json()
        assert item["uri"] == url
        assert {"identifier", "fullStatement", "humanCodingScheme", "CFDocumentURI"} <= set(item)
        parent = client.get(local(item["CFDocumentURI"]["uri"]))
        assert parent.status_code == 200, parent.text
        assert parent.json()["identifier"] == item["CFDocumentURI"]["identifier"]
        assert "CFPackageURI" in parent.json()


def test_issuer_url_is_a_home_page_for_browsers_and_the_profile_for_programs(
    client: TestClient, app: FastAPI
) -> None:
    page = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    assert (
        client.get("/", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/html")
    )

    profile = client.get("/", headers={"Accept": "application/ld+json"})
    assert profile.status_code == 200
    assert profile.headers["content-type"].startswith("application/ld+json")
    assert profile.json() == client.get("/issuer").json()
    assert profile.json()["url"] == app.state.settings.public_base_url


def test_unknown_case_nodes_are_404(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    base = f"/api/v1/standards/{setup.standard.code}/case"
    unknown = "00000000-0000-5000-8000-000000000000"

    for path in (f"{base}/items/{unknown}", f"/api/v1/standards/NO-SUCH/case/items/{unknown}"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"{base}/widgets/{unknown}").status_code == 422
