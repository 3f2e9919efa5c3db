"""Paging the credential list by cursor, with a total counted up to a cap: the API
(`after` / `next_cursor`), the console search and the portal search (next and previous
links that keep the filters, "more than N" in each language)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.credentials import paging
from app.credentials.models import Credential
from app.credentials.paging import Cursor
from app.portal import credential_pages as portal_pages
from app.providers.models import TrainingProvider
from tests.conftest import ENGINES
from tests.console import helpers as console
from tests.console.helpers import Element
from tests.credentials.factories import BATCHES, IssuingSetup, issuing_setup, rows
from tests.helpers import assert_problem
from tests.portal import helpers as portal

pytestmark = pytest.mark.parametrize("migrated_database", ENGINES, indirect=True)

CREDENTIALS = "/api/v1/credentials"


def issue_batch(client: TestClient, app: FastAPI, db: Session, count: int) -> IssuingSetup:
    """`count` credentials of one provider, issued as one batch through the API."""
    setup = issuing_setup(client, app, db)
    submitted = client.post(
        BATCHES,
        headers=setup.provider,
        json={"curriculum_id": setup.curriculum_id, "rows": rows(count)},
    )
    assert submitted.status_code == 202, submitted.text
    return setup


def api_page(client: TestClient, setup: IssuingSetup, **params: Any) -> dict[str, Any]:
    response = client.get(CREDENTIALS, headers=setup.staff, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_api_pages_by_cursor_in_the_order_of_page_numbers(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issue_batch(client, app, db, 5)
    by_number = [
        item["id"]
        for n in (1, 2, 3)
        for item in api_page(client, setup, per_page=2, page=n)["items"]
    ]
    walked, cursor, pages = [], None, 0
    while True:
        after: dict[str, str] = {"after": cursor} if cursor else {}
        body = api_page(client, setup, per_page=2, holder="worker", **after)
        walked += [item["id"] for item in body["items"]]
        pages += 1
        assert (body["total"], body["total_capped"]) == (5, False)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert (walked, pages) == (by_number, 3)
    assert len(set(walked)) == 5
    for bad in ("1.2", "not-a-cursor", "99999999999999999." + "0" * 36):
        assert_problem(
            client.get(CREDENTIALS, headers=setup.staff, params={"after": bad}),
            422,
            "invalid-cursor",
        )


def test_the_api_total_stops_at_the_cap(
    client: TestClient, app: FastAPI, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = issue_batch(client, app, db, 4)
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    body = api_page(client, setup, per_page=2)
    assert (body["total"], body["total_capped"], len(body["items"])) == (3, True, 2)
    assert api_page(client, setup, per_page=2, holder="Worker 1")["total_capped"] is False


def links(document: Element) -> dict[str, dict[str, str]]:
    """The pagination's links by `rel`, each as its query."""
    return {
        str(a.attrs["rel"]): {
            name: values[0]
            for name, values in parse_qs(urlsplit(a.attrs["href"] or "").query).items()
        }
        for a in document.find("nav", class_="pagination").find_all("a")
    }


def holders(document: Element) -> list[str]:
    return [row.find("td").text for row in document.find("tbody").find_all("tr")]


def test_the_console_search_links_next_and_previous_pages_keeping_filters(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issue_batch(client, app, db, 21)
    console.signed_in(client, db, Role.auditor)
    path = f"{console.CONSOLE}/credentials"
    filters = {"standard_code": setup.standard.code, "status": "active", "holder": "worker"}

    first = console.page(client.get(path, params=filters))
    heading = first.find("h2", id="credential-results-heading").text
    assert heading == "21 credentials found"
    assert first.find("li", class_="pagination__current").text == "Page 1 of 2"
    following = links(first)["next"]
    assert following["standard_code"] == setup.standard.code and following["page"] == "2"

    second = console.page(client.get(path, params=following))
    assert second.find("li", class_="pagination__current").text == "Page 2 of 2"
    assert "next" not in links(second)
    back = links(second)["prev"]
    assert "after" not in back and "before" not in back and back["status"] == "active"
    shown = holders(first) + holders(second)
    assert len(shown) == 21 == len(set(shown))
    # The page before the oldest credential is the first page (read backwards from a cursor).
    oldest = db.scalars(
        select(Credential).order_by(Credential.issued_at, Credential.id.desc())
    ).first()
    assert oldest is not None
    before = {**filters, "before": Cursor.of(oldest).token, "page": "2"}
    assert holders(console.page(client.get(path, params=before))) == holders(first)


def test_a_total_past_the_cap_reads_more_than_in_each_language(
    client: TestClient, app: FastAPI, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = issue_batch(client, app, db, 3)
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    monkeypatch.setattr(portal_pages, "PER_PAGE", 2)
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    portal.signed_in(client, db, provider)
    path = f"{portal.PORTAL}/credentials"
    for language, heading, current in [
        ("en", "More than 2 credentials found", "Page 1"),
        ("es", "Más de 2 credenciales encontradas", "Página 1"),
        ("fr", "Plus de 2 attestations trouvées", "Page 1"),
    ]:
        first = console.page(client.get(path, params={"lang": language}))
        assert first.find("h2", id="credential-results-heading").text == heading
        assert first.find("li", class_="pagination__current").text == current
    following = links(first)["next"]
    assert following["lang"] == "fr"
    second = console.page(client.get(path, params=following))
    assert len(second.find("tbody").find_all("tr")) == 1
    assert "before" not in links(second)["prev"]  # back to page 1: the newest, no cursor
