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
from app.providers.models import TrainingProvider
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


def test_credential_page_names_people_and_links_out(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, credential_id = setup_with_credential(client, app, db)
    signed_in(client, db, Role.auditor)
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    path = f"{CONSOLE}/credentials/{credential_id}"
    for language in LANGUAGES:
        document = page(client.get(path, params={"lang": language}))
        issued_by = document.find("dd", id="issued-by")
        assert provider.name in issued_by.text
        assert document.find("a", id="verify-link").attrs["href"] == (
            f"/verify/{credential_id}?lang={language}"
        )
        assert document.find("a", id="audit-link").attrs["href"] == (
            f"{CONSOLE}/audit?lang={language}&target_type=credential&target_id={credential_id}"
        )
        claim = document.find("dd", id="claim-status").text
        assert claim.startswith(
            words(gettext(language, "Not claimed yet; the claim link works until %(date)s")).split(
                ";"
            )[0]
        )
        listing = page(client.get(f"{CONSOLE}/credentials", params={"lang": language}))
        cells = listing.find("table").find("tbody").find_all("td")
        assert cells[2].text == provider.name
    audit = page(
        client.get(
            f"{CONSOLE}/audit", params={"target_type": "credential", "target_id": credential_id}
        )
    )
    assert credential_id in audit.text


def test_staff_can_reissue_a_claim_link(client: TestClient, app: FastAPI, db: Session) -> None:
    _, credential_id = setup_with_credential(client, app, db)
    signed_in(client, db, Role.registrar)
    path = f"{CONSOLE}/credentials/{credential_id}"
    links: list[str] = []
    for language in LANGUAGES:
        document = page(client.get(path, params={"lang": language}))
        form = document.find("form", id="claim-link-form")
        response = client.post(
            str(form.attrs["action"]),
            data={"csrf_token": session_csrf(client, path)},
        )
        renewed = page(response)
        assert response.headers["cache-control"] == "no-store"
        link = str(renewed.find("input", id="new-claim-link").attrs["value"])
        assert link.startswith("http://testserver/claim/")
        assert words(gettext(language, "New claim link")) == renewed.find("label").text
        links.append(link)
    assert len(set(links)) == 3
    # Only the newest link works; the worker claims with it, and none is offered after.
    assert client.get(links[0].removeprefix("http://testserver")).status_code == 404
    token = links[-1].rsplit("/", 1)[1]
    assert client.post(f"/claim/{token}", follow_redirects=False).status_code == 303
    claimed = page(client.get(path))
    assert not claimed.find_all("form", id="claim-link-form")
    refused = client.post(f"{path}/claim-link", data={"csrf_token": session_csrf(client, path)})
    assert page(refused, 409).find("div", class_="console-problem").text


def test_audit_actions_and_objects_are_in_the_page_language(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, credential_id = setup_with_credential(client, app, db)
    revoked = client.post(
        f"/api/v1/admin/credentials/{credential_id}/revoke",
        headers=setup.staff,
        json={"reason": "Audit"},
    )
    assert revoked.status_code == 200, revoked.text
    signed_in(client, db, Role.auditor)
    for language in LANGUAGES:
        log = page(
            client.get(
                f"{CONSOLE}/audit",
                params={"lang": language, "target_type": "credential", "target_id": credential_id},
            )
        )
        actions = [cell.text for cell in log.find_all("td", class_="audit-action")]
        assert words(gettext(language, "Credential revoked")) + " credential.revoke" in actions
        assert words(gettext(language, "Credential issued")) + " credential.issue" in actions
        targets = [row.find_all("td")[3].text for row in log.find("tbody").find_all("tr")]
        assert all(target.startswith(gettext(language, "Credential") + " ") for target in targets)
