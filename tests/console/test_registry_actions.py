"""The console's provider and standard actions, as the admin API allows them: accreditation,
API clients (a new secret shown once), publishing and retiring a standard version. Each is
driven in English, Spanish and French, its effect read back through the API and the audit
log; a form without the session's CSRF token, or from an auditor, changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.fields import Language
from app.providers.models import TrainingProvider
from app.web.i18n import gettext
from tests.console.actions_helpers import (
    LANGUAGES,
    errors_of,
    field_error,
    followed,
    form_keys,
    last_event,
    notice,
    notice_of,
    post_form,
    problem,
    problem_of,
    words,
)
from tests.console.helpers import CONSOLE, page, session_csrf, signed_in
from tests.factories import create_provider, staff_headers
from tests.portal.helpers import accept
from tests.standards.factories import seed_document

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def token_answer(client: TestClient, client_id: str, secret: str) -> int:
    """The status of a client credentials grant with this id and secret."""
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    return response.status_code


def provider_record(
    client: TestClient, headers: dict[str, str], provider_id: int
) -> dict[str, str]:
    response = client.get(f"/api/v1/admin/providers/{provider_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


@pytest.fixture
def provider(db: Session) -> TrainingProvider:
    return create_provider(db, accreditation_status="pending")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_registrar_changes_the_accreditation(
    client: TestClient, db: Session, provider: TrainingProvider, language: str
) -> None:
    reader = staff_headers(client, db, Role.auditor)
    signed_in(client, db, Role.registrar)
    path = f"{CONSOLE}/providers/{provider.id}"
    shown = page(client.get(path, params={"lang": language}))
    assert form_keys(shown) == ["accreditation", "invite", "new-client"]
    options = shown.find("select", id="accreditation-status").find_all("option")
    assert [option.attrs["value"] for option in options if "selected" in option.attrs] == [
        "pending"
    ]

    unknown = post_form(client, f"{path}/accreditation", language, path, status="closed")
    refused = page(unknown, 400)
    assert errors_of(refused) == {"accreditation-status": field_error(language, "choice")}
    assert provider_record(client, reader, provider.id)["accreditation_status"] == "pending"

    done = post_form(
        client,
        f"{path}/accreditation",
        language,
        path,
        status="accredited",
        reason="Audit visit passed",
    )
    assert notice_of(followed(client, done, language)) == notice(language, "accreditation")
    record = provider_record(client, reader, provider.id)
    assert (record["accreditation_status"], record["status_reason"]) == (
        "accredited",
        "Audit visit passed",
    )
    event = last_event(db, "provider.accreditation")
    assert (event.target_id, event.actor_role) == (str(provider.id), "registrar")
    assert event.summary["after"]["accreditation_status"] == "accredited"


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_clients_are_made_rotated_and_revoked(
    client: TestClient, db: Session, provider: TrainingProvider, language: str
) -> None:
    signed_in(client, db, Role.admin)
    path = f"{CONSOLE}/providers/{provider.id}"

    nameless = page(post_form(client, f"{path}/clients", language, path, name=" "), 400)
    assert errors_of(nameless) == {"new-client-name": field_error(language, "name")}

    made = post_form(client, f"{path}/clients", language, path, name="Moodle")
    shown = page(made)
    assert made.headers["cache-control"] == "no-store"
    client_id = shown.find("table", class_="console-table").find("code").text
    secret = shown.find("code", id="shown-secret").text
    assert notice_of(shown) == words(notice(language, "client-made", client=client_id))
    assert token_answer(client, client_id, secret) == 200
    assert last_event(db, "api-client.create").target_id == client_id
    assert secret not in str(last_event(db, "api-client.create").summary)
    # The secret is not on the page once reloaded.
    assert secret not in client.get(path, params={"lang": language}).text
    assert form_keys(page(client.get(path))) == [
        "accreditation",
        "invite",
        "new-client",
        "rotate-client",
        "revoke-client",
    ]

    rotated = page(post_form(client, f"{path}/clients/rotate", language, path, client_id=client_id))
    new_secret = rotated.find("code", id="shown-secret").text
    assert new_secret != secret
    assert token_answer(client, client_id, secret) == 401
    assert token_answer(client, client_id, new_secret) == 200
    assert last_event(db, "api-client.rotate-secret").actor_role == "admin"

    unticked = post_form(client, f"{path}/clients/revoke", language, path, client_id=client_id)
    assert errors_of(page(unticked, 400)) == {
        "revoke-client-confirm": field_error(language, "confirm")
    }
    assert token_answer(client, client_id, new_secret) == 200
    other = post_form(
        client, f"{path}/clients/revoke", language, path, client_id="nassc-none", confirm="yes"
    )
    assert problem_of(page(other, 400)) == problem(language, "api-client-not-found")

    revoked = post_form(
        client, f"{path}/clients/revoke", language, path, client_id=client_id, confirm="yes"
    )
    assert notice_of(followed(client, revoked, language)) == notice(language, "client-revoked")
    assert token_answer(client, client_id, new_secret) == 401
    assert last_event(db, "api-client.revoke").target_id == client_id


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_registrar_invites_a_providers_first_admin(
    client: TestClient, db: Session, provider: TrainingProvider, language: str
) -> None:
    reader = staff_headers(client, db, Role.auditor)
    signed_in(client, db, Role.registrar)
    path = f"{CONSOLE}/providers/{provider.id}"
    email = f"ana.{language}@tec.example"
    person = {"name": "Ana Pérez", "email": email, "role": "provider_admin", "language": "fr"}

    bad = post_form(client, f"{path}/users", language, path, **{**person, "email": "ana@"})
    refused = page(bad, 400)
    assert errors_of(refused) == {"invite-email": field_error(language, "email")}
    assert refused.find("input", id="invite-email").attrs["value"] == "ana@"

    invited = page(post_form(client, f"{path}/users", language, path, **person))
    assert notice_of(invited) == notice(language, "invited")
    link = invited.find("code", id="shown-secret").text
    assert link.startswith("http://testserver/portal/invitations/")
    listed = client.get(f"/api/v1/admin/providers/{provider.id}/users", headers=reader).json()
    assert [(user["email"], user["role"], user["language"]) for user in listed] == [
        (email, "provider_admin", "fr")
    ]
    event = last_event(db, "provider_user.invited")
    assert event.actor_role == "registrar"
    assert link.rsplit("/", 1)[1] not in str(event.summary)
    tables = page(client.get(path, params={"lang": language})).find_all("table")
    assert [email in table.text for table in tables] == [True]
    assert link not in client.get(path).text

    assert accept(client, link.removeprefix("http://testserver")).status_code == 303
    again = post_form(client, f"{path}/users", language, path, **person)
    assert problem_of(page(again, 409)) == problem(language, "provider-user-exists")


def test_an_auditor_reads_a_provider_but_cannot_act(
    client: TestClient, db: Session, provider: TrainingProvider
) -> None:
    signed_in(client, db, Role.auditor)
    path = f"{CONSOLE}/providers/{provider.id}"
    shown = page(client.get(path))
    assert form_keys(shown) == []
    assert "not change it" in shown.find("p", class_="console-note").text
    token = session_csrf(client, path)
    for action, data in [
        ("accreditation", {"status": "accredited"}),
        ("clients", {"name": "Moodle"}),
        ("clients/rotate", {"client_id": "x"}),
        ("clients/revoke", {"client_id": "x", "confirm": "yes"}),
        ("users", {"name": "Ana", "email": "ana@tec.example", "role": "provider_admin"}),
    ]:
        page(client.post(f"{path}/{action}", data={"csrf_token": token, **data}), 403)
    db.expire_all()
    assert db.get(TrainingProvider, provider.id).accreditation_status == "pending"  # type: ignore[union-attr]


def test_provider_forms_need_the_sessions_csrf_token(
    client: TestClient, db: Session, provider: TrainingProvider
) -> None:
    signed_in(client, db, Role.admin)
    path = f"{CONSOLE}/providers/{provider.id}/accreditation"
    page(client.post(path, data={"status": "accredited"}), 403)
    wrong = session_csrf(client) + "x"
    page(client.post(path, data={"status": "accredited", "csrf_token": wrong}), 403)
    db.expire_all()
    assert db.get(TrainingProvider, provider.id).accreditation_status == "pending"  # type: ignore[union-attr]


# --- Standards ----------------------------------------------------------------------------


def make_draft(client: TestClient, headers: dict[str, str], settings: Settings, code: str) -> str:
    """A draft standard made through the admin API; returns its console path."""
    draft = {**seed_document(settings), "status": "draft", "code": code}
    created = client.post("/api/v1/admin/standards", headers=headers, json=draft)
    assert created.status_code == 201, created.text
    return f"{CONSOLE}/standards/{code}/1"


def standard_status(client: TestClient, headers: dict[str, str], code: str) -> str:
    response = client.get(f"/api/v1/admin/standards/{code}/versions/1", headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_draft_is_published_then_retired(
    client: TestClient, db: Session, settings: Settings, language: str
) -> None:
    api = staff_headers(client, db, Role.registrar)
    code = f"NASSC-TEST-{language.upper()}"
    path = make_draft(client, api, settings, code)
    signed_in(client, db, Role.registrar)
    assert form_keys(page(client.get(path, params={"lang": language}))) == ["publish"]

    unticked = page(post_form(client, f"{path}/publish", language, path), 400)
    assert errors_of(unticked) == {"publish-confirm": field_error(language, "confirm")}
    assert standard_status(client, api, code) == "draft"

    published = post_form(client, f"{path}/publish", language, path, confirm="yes")
    shown = followed(client, published, language)
    assert notice_of(shown) == notice(language, "published")
    assert form_keys(shown) == ["retire"]
    assert standard_status(client, api, code) == "published"
    assert last_event(db, "standard.publish").actor_role == "registrar"

    again = page(post_form(client, f"{path}/publish", language, path, confirm="yes"), 409)
    assert problem_of(again) == problem(language, "standard-immutable")

    retired = post_form(client, f"{path}/retire", language, path, confirm="yes")
    shown = followed(client, retired, language)
    assert notice_of(shown) == notice(language, "retired")
    assert form_keys(shown) == []
    assert standard_status(client, api, code) == "retired"
    assert last_event(db, "standard.retire").target_id is not None


def test_an_incomplete_draft_is_not_published(
    client: TestClient, db: Session, settings: Settings
) -> None:
    api = staff_headers(client, db, Role.admin)
    draft = {**seed_document(settings), "status": "draft", "code": "NASSC-TEST-BARE"}
    draft["delivery_profiles"] = draft["delivery_profiles"][:1]
    assert client.post("/api/v1/admin/standards", headers=api, json=draft).status_code == 201
    signed_in(client, db, Role.admin)
    path = f"{CONSOLE}/standards/NASSC-TEST-BARE/1"
    refused = page(post_form(client, f"{path}/publish", "fr", path, confirm="yes"), 400)
    assert problem_of(refused) == problem("fr", "standard-not-publishable")
    assert standard_status(client, api, "NASSC-TEST-BARE") == "draft"


def test_an_auditor_cannot_publish_or_retire(
    client: TestClient, db: Session, settings: Settings
) -> None:
    api = staff_headers(client, db, Role.admin)
    path = make_draft(client, api, settings, "NASSC-TEST-AUDIT")
    signed_in(client, db, Role.auditor)
    shown = page(client.get(path))
    assert form_keys(shown) == []
    assert shown.find("p", class_="console-note").text
    token = session_csrf(client, path)
    for action in ("publish", "retire"):
        page(client.post(f"{path}/{action}", data={"csrf_token": token, "confirm": "yes"}), 403)
    page(client.post(f"{path}/publish", data={"confirm": "yes"}), 403)
    assert standard_status(client, api, "NASSC-TEST-AUDIT") == "draft"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_audit_log_names_the_invitation_in_the_pages_language(
    client: TestClient, db: Session, provider: TrainingProvider, language: str
) -> None:
    signed_in(client, db, Role.admin)
    path = f"{CONSOLE}/providers/{provider.id}"
    person = {"name": "Ana", "email": "ana@tec.example", "role": "provider_staff"}
    page(post_form(client, f"{path}/users", language, path, language="es", **person))
    log = page(client.get(f"{CONSOLE}/audit", params={"lang": language}))
    words_of_log = words(log.find("main").text)
    for message in ("Invited to the provider portal", "Portal user"):
        assert words(gettext(Language(language), message)) in words_of_log
