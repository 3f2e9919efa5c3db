"""Revoking from the console asks for a reason and a confirmation tick; each missing
piece is named precisely, in the page's language, and nothing changes until both are given."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.credentials.models import Credential
from app.fields import Language
from app.web.i18n import gettext
from tests.console.helpers import CONSOLE, page, session_csrf, setup_with_credential, signed_in

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

LANGUAGES: tuple[Language, ...] = tuple(Language)
MISSING = "Give the reason for this change: it is kept in the audit log."
UNTICKED = "Tick the box to confirm that the revocation is permanent."


def words(text: str) -> str:
    """`text` with its spaces (no-break ones too) as the page's text gives them."""
    return " ".join(text.split())


def status_of(db: Session, credential_id: str) -> str:
    db.expire_all()
    credential = db.get(Credential, credential_id)
    assert credential is not None
    return credential.status


def test_revocation_needs_a_reason_and_the_tick(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, credential_id = setup_with_credential(client, app, db)
    signed_in(client, db, Role.registrar)
    path = f"{CONSOLE}/credentials/{credential_id}"
    form = page(client.get(path)).find("input", id="revoke-confirm")
    assert (form.attrs["type"], form.attrs["name"], form.attrs["value"]) == (
        "checkbox",
        "confirm",
        "yes",
    )
    for language in LANGUAGES:
        token = session_csrf(client, path)
        revoke = {"csrf_token": token, "action": "revoke"}
        params = {"lang": language}
        nothing = page(client.post(path, params=params, data={**revoke, "reason": " "}), 400)
        summary = nothing.find("div", class_="console-error-summary")
        assert [link.attrs["href"] for link in summary.find_all("a")] == [
            "#revoke-reason",
            "#revoke-confirm",
        ]
        assert [link.text for link in summary.find_all("a")] == [
            words(gettext(language, MISSING)),
            words(gettext(language, UNTICKED)),
        ]
        assert nothing.find("input", id="revoke-confirm").attrs["aria-invalid"] == "true"

        typed = {**revoke, "reason": "Fraudulent assessment"}
        unticked = page(client.post(path, params=params, data=typed), 400)
        messages = [
            link.text
            for link in unticked.find_all("a")
            if link.attrs.get("href") == "#revoke-confirm"
        ]
        assert messages == [words(gettext(language, UNTICKED))]
        # What was typed is kept.
        assert unticked.find("input", id="revoke-reason").attrs["value"] == "Fraudulent assessment"
        assert status_of(db, credential_id) == "active"

    done = client.post(
        path,
        data={
            "csrf_token": session_csrf(client, path),
            "action": "revoke",
            "reason": "Fraudulent assessment",
            "confirm": "yes",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert status_of(db, credential_id) == "revoked"


def test_suspending_needs_no_tick_but_names_a_missing_reason(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, credential_id = setup_with_credential(client, app, db)
    signed_in(client, db, Role.registrar)
    path = f"{CONSOLE}/credentials/{credential_id}"
    data = {"csrf_token": session_csrf(client, path), "action": "suspend"}
    refused = page(client.post(path, params={"lang": "fr"}, data=data), 400)
    links = refused.find("div", class_="console-error-summary").find_all("a")
    assert [link.text for link in links] == [words(gettext(Language.fr, MISSING))]
    suspended = client.post(path, data={**data, "reason": "Audit"}, follow_redirects=False)
    assert suspended.status_code == 303
    assert status_of(db, credential_id) == "suspended"
