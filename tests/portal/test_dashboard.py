"""The portal's dashboard counts a provider's credentials by their standing today (an
expired credential is not counted active) and lists the ones that end within 90 days, with
links to them, in the reader's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.credentials.models import CredentialBatch
from app.db import utcnow
from app.portal import service as portal_service
from tests.console.helpers import page
from tests.credentials.factories import issue_body, issuing_setup
from tests.factories import create_provider
from tests.portal.helpers import PORTAL, signed_in

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite", "postgres"], indirect=True)


def _issue(client: TestClient, headers: dict[str, str], body: dict[str, object], key: str) -> str:
    issued = client.post(
        "/api/v1/credentials", headers={**headers, "Idempotency-Key": key}, json=body
    )
    assert issued.status_code == 201, issued.text
    return str(issued.json()["id"])


def test_the_dashboard_lists_what_expires_soon_and_counts_by_standing(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    years = setup.standard.validity_years
    # Assessed and valid from a date chosen so that the credential ends in 30 days.
    started = utcnow() - timedelta(days=365 * years) + timedelta(days=30)
    while started.replace(year=started.year + years) > utcnow() + timedelta(days=60):
        started -= timedelta(days=1)
    soon = issue_body(
        setup.curriculum_id,
        name="Ana Sofía Ruiz",
        valid_from=started.isoformat(),
        assessment={"completed_on": started.date().isoformat(), "score_percent": 90},
    )
    ending = _issue(client, setup.provider, soon, "dash-soon")
    _issue(client, setup.provider, issue_body(setup.curriculum_id), "dash-later")
    provider = db.get(type(create_provider(db)), setup.provider_id)
    assert provider is not None
    signed_in(client, db, provider)

    shown = page(client.get(PORTAL, params={"lang": "es"}))
    assert shown.find("h2", id="expiring-title").text == "Vencen en los próximos 90 días"
    rows = shown.find("table", id="expiring").find("tbody").find_all("tr")
    assert [row.find("a").text for row in rows] == ["Ana Sofía Ruiz"]
    assert rows[0].find("a").attrs["href"] == f"{PORTAL}/credentials/{ending}?lang=es"
    assert "1 credencial de sus trabajadores vence pronto" in shown.text

    # Once the first one has ended, it counts as expired, not active, and no longer "soon".
    later = portal_service.dashboard(
        db, provider_id=setup.provider_id, now=utcnow() + timedelta(days=45)
    )
    assert (later.credentials["active"], later.credentials["expired"]) == (1, 1)
    assert later.expiring_total == 0


def test_another_providers_dashboard_lists_none_of_them(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    _issue(client, setup.provider, issue_body(setup.curriculum_id), "dash-other")
    signed_in(client, db, create_provider(db))
    shown = page(client.get(PORTAL, params={"lang": "fr"}))
    assert shown.find_all("table", id="expiring") == []
    assert "Aucune attestation de vos travailleurs n’expire dans les 90 prochains jours." in (
        shown.text
    )
    figures = portal_service.dashboard(db, provider_id=setup.provider_id, now=utcnow())
    assert figures.credentials["active"] == 1


@pytest.mark.parametrize(
    ("country", "region", "lang", "zone", "words", "local"),
    [
        ("MX", "Puebla", "es", "America/Mexico_City", "Zona horaria: hora central", "12:05"),
        ("CA", "AB", "fr", "America/Edmonton", "Fuseau horaire : heure des Rocheuses", "11 h 05"),
        ("US", "California", "en", "America/Los_Angeles", "Time zone: Pacific Time", "10:05"),
    ],
)
def test_portal_times_are_in_the_providers_time_zone_which_is_named(
    client: TestClient,
    app: FastAPI,
    db: Session,
    country: str,
    region: str,
    lang: str,
    zone: str,
    words: str,
    local: str,
) -> None:
    """The batch made at 18:05 UTC on December 1 is listed at the provider's local time."""
    provider = create_provider(db, country=country, region=region)
    signed_in(client, db, provider)
    at = utcnow().replace(month=12, day=1, hour=18, minute=5, second=0, microsecond=0)
    db.add(
        CredentialBatch(
            id="b" * 36,
            provider_id=provider.id,
            requested_by="provider_user:1",
            requested_by_role="provider",
            status="completed",
            total=1,
            done=1,
            failed=0,
            created_at=at,
            updated_at=at,
        )
    )
    db.commit()
    shown = page(client.get(PORTAL, params={"lang": lang}))
    assert shown.find("p", id="time-zone").text.replace("\u00a0", " ") == (f"{words} ({zone}).")
    [link] = [a for a in shown.find_all("a") if "/batches/" in str(a.attrs.get("href"))]
    assert local in link.text, link.text
