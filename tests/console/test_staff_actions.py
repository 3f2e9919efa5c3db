"""The console's staff-user and signing-key actions, for administrators only as in the admin
API: make an account, change its role, disable and enable it, set or generate its
password; make a new signing key, retire one that no longer signs. Each is driven in
English, Spanish and French and read back through the API and the audit log; registrars
and auditors see no form and are refused; no private key material is ever on a page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.console import key_pages
from app.fields import Language
from app.keys.models import SigningKey
from app.users.models import StaffUser
from app.web.i18n import gettext as translate
from tests.console import actions_helpers as forms
from tests.console.helpers import CONSOLE, page, session_csrf, sign_in, signed_in
from tests.factories import create_staff_user, ensure_signing_key, password_token, staff_headers

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

USERS = f"{CONSOLE}/users"
KEYS = f"{CONSOLE}/keys"
NEW_PASSWORD = "another-long-password"


def user_id_of(db: Session, username: str) -> int:
    db.expire_all()
    found = db.scalar(select(StaffUser.id).where(StaffUser.username == username))
    assert found is not None
    return found


def api_user(client: TestClient, headers: dict[str, str], user_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/admin/users/{user_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("language", forms.LANGUAGES)
def test_an_admin_makes_and_manages_an_account(
    client: TestClient, db: Session, language: str
) -> None:
    api = staff_headers(client, db, Role.admin)
    signed_in(client, db, Role.admin)
    assert forms.form_keys(page(client.get(USERS, params={"lang": language}))) == ["new-user"]
    username = f"new.{language}@nassc"

    short = forms.post_form(
        client, USERS, language, USERS, username=username, password="short", role="registrar"
    )
    refused = page(short, 400)
    assert forms.errors_of(refused) == {
        "new-user-password": forms.field_error(language, "new_password")
    }
    assert refused.find("input", id="new-user-username").attrs["value"] == username
    assert "short" not in str(refused.find("input", id="new-user-password").attrs)

    made = forms.post_form(
        client, USERS, language, USERS, username=username, password=NEW_PASSWORD, role="registrar"
    )
    shown = forms.followed(client, made, language)
    assert forms.notice_of(shown) == forms.notice(language, "user-created")
    assert forms.form_keys(shown) == ["role", "disable", "password"]
    user_id = user_id_of(db, username)
    assert api_user(client, api, user_id)["role"] == "registrar"
    assert password_token(client, username, NEW_PASSWORD)
    assert forms.last_event(db, "user.create").target_id == str(user_id)

    taken = forms.post_form(
        client, USERS, language, USERS, username=username, password=NEW_PASSWORD, role="auditor"
    )
    assert forms.problem_of(page(taken, 409)) == forms.problem(language, "username-taken")

    path = f"{USERS}/{user_id}"
    provider = forms.post_form(client, f"{path}/role", language, path, role="provider")
    assert forms.errors_of(page(provider, 400)) == {
        "role-role": forms.field_error(language, "choice")
    }
    changed = forms.post_form(client, f"{path}/role", language, path, role="auditor")
    assert forms.notice_of(forms.followed(client, changed, language)) == forms.notice(
        language, "role"
    )
    assert api_user(client, api, user_id)["role"] == "auditor"
    assert forms.last_event(db, "user.change-role").actor_role == "admin"

    disabled = forms.post_form(client, f"{path}/disable", language, path)
    shown = forms.followed(client, disabled, language)
    assert forms.notice_of(shown) == forms.notice(language, "disabled")
    assert forms.form_keys(shown) == ["role", "enable", "password"]
    assert api_user(client, api, user_id)["is_active"] is False
    assert forms.last_event(db, "user.disable").target_id == str(user_id)
    enabled = forms.post_form(client, f"{path}/enable", language, path)
    assert forms.notice_of(forms.followed(client, enabled, language)) == forms.notice(
        language, "enabled"
    )
    assert api_user(client, api, user_id)["is_active"] is True

    chosen = forms.post_form(
        client, f"{path}/password", language, path, password="a-third-password!"
    )
    assert forms.notice_of(forms.followed(client, chosen, language)) == forms.notice(
        language, "password-set"
    )
    assert password_token(client, username, "a-third-password!")
    generated = forms.post_form(client, f"{path}/password", language, path, password="")
    shown = page(generated)
    assert generated.headers["cache-control"] == "no-store"
    secret = shown.find("code", id="shown-secret").text
    assert len(secret) >= 12
    assert password_token(client, username, secret)
    assert secret not in client.get(path).text
    assert secret not in str(forms.last_event(db, "user.reset-password").summary)


def test_an_admin_cannot_lock_themselves_out(client: TestClient, db: Session) -> None:
    username = signed_in(client, db, Role.admin)
    create_staff_user(db, Role.admin)
    path = f"{USERS}/{user_id_of(db, username)}"
    for language in forms.LANGUAGES:
        refused = page(forms.post_form(client, f"{path}/disable", language, path), 409)
        assert forms.problem_of(refused) == forms.problem(language, "self-lockout")
        demoted = page(forms.post_form(client, f"{path}/role", language, path, role="auditor"), 409)
        assert forms.problem_of(demoted) == forms.problem(language, "self-lockout")
    db.expire_all()
    me = db.scalars(select(StaffUser).where(StaffUser.username == username)).one()
    assert (me.role, me.is_active) == ("admin", True)


@pytest.mark.parametrize("role", [Role.registrar, Role.auditor])
def test_other_roles_cannot_manage_users(client: TestClient, db: Session, role: Role) -> None:
    target = user_id_of(db, create_staff_user(db, Role.auditor))
    signed_in(client, db, role)
    page(client.get(USERS), 403)
    page(client.get(f"{USERS}/{target}"), 403)
    token = session_csrf(client, KEYS)
    for path, data in [
        (USERS, {"username": "sneaky", "password": NEW_PASSWORD, "role": "admin"}),
        (f"{USERS}/{target}/role", {"role": "admin"}),
        (f"{USERS}/{target}/disable", {}),
        (f"{USERS}/{target}/password", {"password": NEW_PASSWORD}),
    ]:
        page(client.post(path, data={"csrf_token": token, **data}), 403)
    db.expire_all()
    assert db.scalar(select(StaffUser).where(StaffUser.username == "sneaky")) is None
    assert db.get(StaffUser, target).role == "auditor"  # type: ignore[union-attr]


def test_user_forms_need_the_sessions_csrf_token(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.admin)
    data = {"username": "no-token", "password": NEW_PASSWORD, "role": "auditor"}
    page(client.post(USERS, data=data), 403)
    page(client.post(USERS, data={**data, "csrf_token": session_csrf(client) + "x"}), 403)
    assert db.scalar(select(StaffUser).where(StaffUser.username == "no-token")) is None


# --- Signing keys -------------------------------------------------------------------------


def api_keys(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/admin/keys", headers=headers)
    assert response.status_code == 200, response.text
    return {key["kid"]: key for key in response.json()}


def key_id_of(db: Session, kid: str) -> int:
    db.expire_all()
    found = db.scalar(select(SigningKey.id).where(SigningKey.kid == kid))
    assert found is not None
    return found


@pytest.mark.parametrize("language", forms.LANGUAGES)
def test_an_admin_rotates_and_retires_keys(
    client: TestClient, app: FastAPI, db: Session, language: str
) -> None:
    first = ensure_signing_key(app, db)
    api = staff_headers(client, db, Role.auditor)
    signed_in(client, db, Role.admin)
    assert forms.form_keys(page(client.get(KEYS, params={"lang": language}))) == ["rotate"]

    unknown = page(
        forms.post_form(client, f"{KEYS}/rotate", language, KEYS, algorithm="RS256"), 400
    )
    assert forms.errors_of(unknown) == {"rotate-algorithm": forms.field_error(language, "choice")}

    rotated = forms.post_form(client, f"{KEYS}/rotate", language, KEYS, algorithm="EdDSA")
    assert forms.notice_of(forms.followed(client, rotated, language)) == forms.notice(
        language, "rotated"
    )
    keys = api_keys(client, api)
    new = next(kid for kid, key in keys.items() if key["status"] == "active" and kid != first)
    assert keys[first]["status"] == "published"
    event = forms.last_event(db, "key.rotate")
    assert (event.target_id, event.actor_role) == (new, "admin")

    active_path = f"{KEYS}/{key_id_of(db, new)}"
    active_page = page(client.get(active_path, params={"lang": language}))
    assert forms.form_keys(active_page) == []
    note = active_page.find("p", class_="console-note").text
    assert note == forms.problem(language, "active-key-cannot-be-retired")
    active = forms.post_form(
        client, f"{active_path}/retire", language, active_path, reason="Test", confirm="yes"
    )
    assert forms.problem_of(page(active, 409)) == forms.problem(
        language, "active-key-cannot-be-retired"
    )

    path = f"{KEYS}/{key_id_of(db, first)}"
    assert forms.form_keys(page(client.get(path))) == ["retire"]
    bare = page(forms.post_form(client, f"{path}/retire", language, path, reason="x"), 400)
    assert forms.errors_of(bare) == {
        "retire-reason": forms.field_error(language, "key_reason"),
        "retire-confirm": forms.field_error(language, "confirm"),
    }
    assert api_keys(client, api)[first]["status"] == "published"

    retired = forms.post_form(
        client, f"{path}/retire", language, path, reason="Laptop stolen", confirm="yes"
    )
    shown = forms.followed(client, retired, language)
    assert forms.notice_of(shown) == forms.notice(language, "key-retired")
    assert forms.form_keys(shown) == []
    assert api_keys(client, api)[first]["retired_reason"] == "Laptop stolen"
    assert forms.last_event(db, "key.retire").target_id == first
    for text in (shown.text, page(client.get(KEYS)).text):
        assert "PRIVATE KEY" not in text
        assert '"d"' not in text


def test_es256_keys_are_rotated_on_their_own(client: TestClient, app: FastAPI, db: Session) -> None:
    ensure_signing_key(app, db)
    signed_in(client, db, Role.admin)
    forms.followed(
        client, forms.post_form(client, f"{KEYS}/rotate", "es", KEYS, algorithm="ES256"), "es"
    )
    active = db.scalars(select(SigningKey).where(SigningKey.status == "active")).all()
    assert sorted(key.algorithm for key in active) == ["ES256", "EdDSA"]


@pytest.mark.parametrize("language", forms.LANGUAGES)
def test_the_verifier_key_is_made_apart_and_named_by_its_use(
    client: TestClient, app: FastAPI, db: Session, language: str
) -> None:
    ensure_signing_key(app, db)
    signed_in(client, db, Role.admin)
    made = forms.post_form(client, f"{KEYS}/rotate", language, KEYS, algorithm="verifier")
    forms.followed(client, made, language)
    db.expire_all()
    active = db.scalars(select(SigningKey).where(SigningKey.status == "active")).all()
    assert sorted((key.algorithm, key.purpose) for key in active) == [
        ("ES256", "authentication"),
        ("EdDSA", "assertion"),
    ]
    listing = page(client.get(KEYS, params={"lang": language}))
    uses = {
        row.find("code").text: row.find_all("td")[1].text.strip()
        for row in listing.find("tbody").find_all("tr")
    }
    verifier = next(key.kid for key in active if key.purpose == "authentication")
    signer = next(key.kid for key in active if key.purpose == "assertion")
    assert uses[verifier] == translate(Language(language), key_pages.PURPOSES["authentication"])
    assert uses[signer] == translate(Language(language), key_pages.PURPOSES["assertion"])
    assert uses[verifier].endswith("(authentication)")


@pytest.mark.parametrize("role", [Role.registrar, Role.auditor])
def test_other_roles_read_keys_but_cannot_change_them(
    client: TestClient, app: FastAPI, db: Session, role: Role
) -> None:
    kid = ensure_signing_key(app, db)
    signed_in(client, db, role)
    listing = page(client.get(KEYS))
    assert forms.form_keys(listing) == []
    assert listing.find("p", class_="console-note").text
    token = session_csrf(client, KEYS)
    page(client.post(f"{KEYS}/rotate", data={"csrf_token": token, "algorithm": "EdDSA"}), 403)
    retire = {"csrf_token": token, "reason": "Not mine", "confirm": "yes"}
    page(client.post(f"{KEYS}/{key_id_of(db, kid)}/retire", data=retire), 403)
    db.expire_all()
    assert [key.kid for key in db.scalars(select(SigningKey))] == [kid]


def test_key_forms_need_the_sessions_csrf_token(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    kid = ensure_signing_key(app, db)
    signed_in(client, db, Role.admin)
    page(client.post(f"{KEYS}/rotate", data={"algorithm": "EdDSA"}), 403)
    wrong = {"algorithm": "EdDSA", "csrf_token": session_csrf(client) + "x"}
    page(client.post(f"{KEYS}/rotate", data=wrong), 403)
    db.expire_all()
    assert [key.kid for key in db.scalars(select(SigningKey))] == [kid]


def test_signing_in_still_works_after_a_password_is_generated(
    client: TestClient, db: Session
) -> None:
    username = create_staff_user(db, Role.registrar)
    signed_in(client, db, Role.admin)
    path = f"{USERS}/{user_id_of(db, username)}"
    secret = str(
        page(forms.post_form(client, f"{path}/password", "en", path))
        .find("code", id="shown-secret")
        .text
    )
    client.cookies.clear()
    assert sign_in(client, username, secret).status_code == 303
