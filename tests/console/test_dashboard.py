"""The dashboard: the reports service's figures, grouped for people to read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.console import service as console_service
from app.credentials.models import Credential
from app.db import utcnow
from app.fields import Language
from app.web.i18n import gettext, pgettext
from tests.console.helpers import CONSOLE, page, signed_in
from tests.reports.dataset import credential_id, seed_report_dataset

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def test_the_figures_come_from_the_reports_service(db: Session) -> None:
    now = utcnow()
    seed_report_dataset(db, now=now)
    figures = console_service.dashboard(db, now=now)
    assert figures.totals.model_dump() == {
        "issued": 10,
        "active": 5,
        "expired": 2,
        "suspended": 1,
        "revoked": 2,
    }
    assert [(group.key, group.counts.issued) for group in figures.by_sector] == [
        ("ev-batteries", 3),
        ("semiconductors", 7),
    ]
    assert [(group.key, group.counts.issued) for group in figures.by_country] == [
        ("CA", 2),
        ("MX", 4),
        ("US", 3),
        (None, 1),
    ]
    assert figures.mobility.cross_border_share == 0.625
    assert [item.credential_id for item in figures.expiring.items] == [
        credential_id(6),
        credential_id(7),
    ]
    assert figures.awaiting_review == 1


def test_the_dashboard_page(client: TestClient, db: Session) -> None:
    seed_report_dataset(db, now=utcnow())
    signed_in(client, db, Role.auditor)
    document = page(client.get(CONSOLE))
    status_table = document.find("section", **{"aria-labelledby": "status-heading"})
    rows = {row.find("th").text: row.find("td").text for row in status_table.find_all("tr")[1:]}
    assert rows == {
        "Active": "5",
        "Not yet valid": "0",
        "Expired": "2",
        "Suspended": "1",
        "Revoked": "2",
        "Issued in all": "10",
    }
    sectors = document.find("section", **{"aria-labelledby": "sector-heading"}).text
    assert "Semiconductors and advanced electronics 7 " in sectors
    countries = document.find("section", **{"aria-labelledby": "country-heading"}).text
    assert "Issued without a provider 1" in countries
    mobility = document.find("section", **{"aria-labelledby": "mobility-heading"}).text
    assert "crossed a border (5 of 8)" in mobility
    expiring = document.find("section", **{"aria-labelledby": "expiring-heading"})
    assert expiring.find("h2").text == "2 credentials expire in the next 30 days"
    links = [a.attrs["href"] for a in expiring.find_all("a")]
    assert links == [f"/console/credentials/{credential_id(n)}?lang=en" for n in (6, 7)]
    queue = document.find("section", **{"aria-labelledby": "queue-heading"})
    assert queue.find("p", class_="console-figure").text == "1"


def test_the_dashboard_in_french_uses_french_numbers(client: TestClient, db: Session) -> None:
    seed_report_dataset(db, now=utcnow())
    signed_in(client, db, Role.registrar)
    document = page(client.get(f"{CONSOLE}?lang=fr"))
    mobility = document.find("section", **{"aria-labelledby": "mobility-heading"}).text
    assert "(5 sur 8)" in mobility
    assert "62 % des vérifications" in mobility  # a (no-break) space before %


def test_an_empty_dashboard(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.admin)
    document = page(client.get(CONSOLE))
    assert "No credentials have been issued yet." in document.text
    assert "No verification with known employer" in document.text


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_dashboard_counts_credentials_not_yet_valid_apart(
    client: TestClient, db: Session, language: Language
) -> None:
    now = utcnow()
    seed_report_dataset(db, now=now)
    waiting = db.scalars(
        select(Credential).where(
            Credential.status == "active",
            or_(Credential.valid_until.is_(None), Credential.valid_until > now),
        )
    ).first()
    assert waiting is not None
    waiting.valid_from = now + timedelta(days=10)
    db.commit()
    figures = console_service.dashboard(db, now=now)
    assert (figures.in_force, figures.not_yet_valid, figures.totals.active) == (4, 1, 5)
    signed_in(client, db, Role.auditor)
    document = page(client.get(CONSOLE, params={"lang": language}))
    status_table = document.find("section", **{"aria-labelledby": "status-heading"})
    rows = {row.find("th").text: row.find("td").text for row in status_table.find_all("tr")[1:]}
    assert rows[gettext(language, "Not yet valid")] == "1"
    assert rows[pgettext(language, "credential status", "Active")] == "4"


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_reports_download_as_csv_from_the_dashboard(
    client: TestClient, db: Session, language: Language
) -> None:
    seed_report_dataset(db, now=utcnow())
    signed_in(client, db, Role.auditor)
    document = page(client.get(CONSOLE, params={"lang": language}))
    downloads = document.find("section", **{"aria-labelledby": "downloads-heading"})
    links = [str(link.attrs["href"]) for link in downloads.find_all("a")]
    assert len(links) == 5
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        assert response.text.splitlines()[0]  # the header row
    credentials = client.get(links[0]).text.splitlines()
    assert credentials[0].startswith("month,")
    assert len(credentials) > 1
    assert client.get(f"{CONSOLE}/reports/nope.csv").status_code == 404


def test_the_reports_need_a_signed_in_reader(client: TestClient, db: Session) -> None:
    response = client.get(f"{CONSOLE}/reports/credentials.csv", follow_redirects=False)
    assert response.status_code in {303, 401}
    assert "text/csv" not in response.headers.get("content-type", "")
