"""Signing in to the portal and out of it: the console's protections (Argon2id, throttling,
CSRF, strict cookies, sessions that end on the server), in the portal's own realm."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.auth.throttle import LoginThrottle
from app.console.session import SESSION_COOKIE as CONSOLE_COOKIE
from app.db import utcnow
from app.portal.session import PORTAL
from app.provider_users import service as provider_users_service
from tests.audit.helpers import events
from tests.console.helpers import cookie_attributes, page
from tests.console.helpers import signed_in as console_signed_in
from tests.factories import PASSWORD, create_provider
from tests.portal.helpers import (
    LOGIN,
    STAFF,
    account,
    invite,
    session_csrf,
    sign_in,
    signed_in,
)
from tests.portal.helpers import (
    PORTAL as PORTAL_PATH,
)

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def test_signing_in_sets_a_strict_http_only_cookie_for_the_portal_only(
    client: TestClient, db: Session
) -> None:
    person = account(client, db, create_provider(db))
    response = sign_in(client, person.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/portal?lang=en"
    cookie = cookie_attributes(response, PORTAL.session_cookie)
    assert cookie["value"]
    assert "httponly" in cookie
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/portal"
    assert cookie_attributes(response, PORTAL.login_cookie)["max-age"] == "0"
    assert page(client.get(PORTAL_PATH)).find("h2").text == "Credentials issued"
    [login] = [e for e in events(db, action="auth.login") if e.target_type == "provider_user"]
    assert login.actor == f"provider_user:{person.user_id}"
    assert login.summary["after"]["channel"] == "portal"


def test_a_wrong_password_shows_the_form_again_and_is_audited(
    client: TestClient, db: Session
) -> None:
    person = account(client, db, create_provider(db))
    refused = sign_in(client, person.email, "not-the-password")
    document = page(refused, 401)
    assert "The email address or password is not right." in document.text
    assert document.find("input", name="email").attrs["value"] == person.email
    assert PORTAL.session_cookie not in refused.cookies
    [failed] = events(db, action="auth.login-failed")
    assert failed.target_type == "provider_user"


def test_an_unknown_address_is_refused_the_same_way(client: TestClient) -> None:
    refused = page(sign_in(client, "nobody@provider.example"), 401)
    assert "The email address or password is not right." in refused.text


def test_someone_invited_who_has_not_chosen_a_password_cannot_sign_in(
    client: TestClient, db: Session
) -> None:
    email, _ = invite(db, create_provider(db))
    page(sign_in(client, email, ""), 400)
    page(sign_in(client, email, PASSWORD), 401)


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def test_guessing_is_throttled_like_the_console(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    app.state.login_throttle = LoginThrottle(clock=FakeClock())
    person = account(client, db, create_provider(db))
    for _ in range(5):
        assert sign_in(client, person.email, "wrong").status_code == 401
    refused = sign_in(client, person.email.upper())
    document = page(refused, 429)
    assert refused.headers["retry-after"] == "2"
    assert "Too many failed attempts." in document.text
    assert any(e.action == "auth.throttled" for e in events(db))


def test_the_sign_in_form_needs_its_csrf_token(client: TestClient, db: Session) -> None:
    person = account(client, db, create_provider(db))
    page(client.get(LOGIN))
    refused = client.post(LOGIN, data={"email": person.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert PORTAL.session_cookie not in refused.cookies


def test_a_form_from_another_site_is_refused(client: TestClient, db: Session) -> None:
    signed_in(client, db, create_provider(db))
    token = session_csrf(client, "/portal/users")
    refused = client.post(
        f"{PORTAL_PATH}/logout",
        data={"csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403
    assert client.get(PORTAL_PATH).status_code == 200


def test_signing_out_ends_the_session_on_the_server(client: TestClient, db: Session) -> None:
    signed_in(client, db, create_provider(db))
    captured = client.cookies.get(PORTAL.session_cookie)
    assert captured
    token = session_csrf(client, "/portal/users")
    out = client.post(f"{PORTAL_PATH}/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/portal/login?lang=en&done=signed-out"
    assert cookie_attributes(out, PORTAL.session_cookie)["max-age"] == "0"
    assert "You have signed out." in page(client.get(out.headers["location"])).text
    client.cookies.set(PORTAL.session_cookie, captured, path=PORTAL_PATH)
    replayed = client.get(PORTAL_PATH, follow_redirects=False)
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/portal/login?lang=en&next=%2Fportal")


def test_a_disabled_users_session_stops_at_once(client: TestClient, db: Session) -> None:
    provider = create_provider(db)
    person = signed_in(client, db, provider)
    provider_users_service.set_active(
        db,
        provider_id=provider.id,
        user_id=person.user_id,
        active=False,
        actor=STAFF,
        now=utcnow(),
    )
    db.commit()
    assert client.get(PORTAL_PATH, follow_redirects=False).status_code == 303
    page(sign_in(client, person.email), 401)


def test_console_and_portal_sessions_do_not_open_each_other(
    client: TestClient, db: Session
) -> None:
    console_signed_in(client, db, Role.admin)
    staff_cookie = client.cookies.get(CONSOLE_COOKIE)
    assert staff_cookie
    client.cookies.set(PORTAL.session_cookie, staff_cookie, path=PORTAL_PATH)
    assert client.get(PORTAL_PATH, follow_redirects=False).status_code == 303
    client.cookies.clear()
    signed_in(client, db, create_provider(db))
    portal_cookie = client.cookies.get(PORTAL.session_cookie)
    assert portal_cookie
    client.cookies.set(CONSOLE_COOKIE, portal_cookie, path="/console")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_pages_are_in_spanish_and_french(client: TestClient, db: Session) -> None:
    login_es = page(client.get(f"{LOGIN}?lang=es"))
    assert login_es.find("h1").text == "Iniciar sesión en el portal de instituciones"
    login_fr = page(client.get(LOGIN, headers={"Accept-Language": "fr-CA"}))
    assert login_fr.find("h1").text == "Connexion au portail des organismes"
    signed_in(client, db, create_provider(db))
    assert page(client.get(f"{PORTAL_PATH}?lang=fr")).find("h2").text == "Attestations délivrées"


def test_without_mail_the_password_reset_page_says_to_ask_for_help(client: TestClient) -> None:
    document = page(client.get(f"{PORTAL_PATH}/password-reset"))
    assert "This service sends no mail" in document.text
    assert not document.find_all("input", name="email")
