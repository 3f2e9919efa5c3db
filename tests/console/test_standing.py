"""The console's credential list: one standing vocabulary, filtered in SQL on both engines."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.credentials.models import Credential
from app.db import utcnow
from app.fields import Language
from app.web.i18n import gettext
from tests.console.helpers import CONSOLE, page, signed_in
from tests.credentials.factories import issue_body, issuing_setup

CREDENTIALS = f"{CONSOLE}/credentials"
LANGUAGES: tuple[Language, ...] = tuple(Language)
NAMES = {
    "active": "Active",
    "expired": "Expired",
    "not-yet-valid": "Not yet valid",
    "suspended": "Suspended",
    "revoked": "Revoked",
}


def test_each_standing_is_shown_and_filtered(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    ids: dict[str, str] = {}
    for standing in NAMES:
        extra = {"valid_from": "2099-01-01T00:00:00Z"} if standing == "not-yet-valid" else {}
        response = client.post(
            "/api/v1/credentials",
            headers=setup.provider,
            json=issue_body(setup.curriculum_id, name=f"Worker {standing}", **extra),
        )
        assert response.status_code == 201, response.text
        ids[standing] = response.json()["id"]
    admin = "/api/v1/admin/credentials"
    for action, standing in (("revoke", "revoked"), ("suspend", "suspended")):
        changed = client.post(
            f"{admin}/{ids[standing]}/{action}", headers=setup.staff, json={"reason": "Audit"}
        )
        assert changed.status_code == 200, changed.text
    # The period ended: the stored status stays "active", the standing is "expired".
    expired = db.get(Credential, ids["expired"])
    assert expired is not None
    expired.valid_from = utcnow() - timedelta(days=800)
    expired.valid_until = utcnow() - timedelta(days=1)
    db.commit()
    signed_in(client, db, Role.auditor)

    for language in LANGUAGES:
        listing = page(client.get(CREDENTIALS, params={"lang": language}))
        options = listing.find("select", id="status").find_all("option")
        assert [option.attrs["value"] for option in options] == ["", *NAMES]
        assert [option.text for option in options[1:]] == [
            gettext(language, english) for english in NAMES.values()
        ]
        for standing, english in NAMES.items():
            found = page(client.get(CREDENTIALS, params={"status": standing, "lang": language}))
            rows = found.find("table").find("tbody").find_all("tr")
            assert [row.find("a").attrs["href"] for row in rows] == [
                f"/console/credentials/{ids[standing]}?lang={language}"
            ], (language, standing)
            assert rows[0].find_all("td")[-1].text == gettext(language, english)
            detail = page(client.get(f"{CREDENTIALS}/{ids[standing]}", params={"lang": language}))
            assert detail.find("dd", id="credential-status").text == gettext(language, english)
    assert gettext(Language.es, "Expired") != "Expired"
    assert gettext(Language.fr, "Not yet valid") != "Not yet valid"
