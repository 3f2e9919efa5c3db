"""Signing in and out of the console: cookies, audit events, disabled users, redirects."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.roles import Principal, Role
from app.console.session import LOGIN_COOKIE, SESSION_COOKIE
from app.db import make_sessionmaker, utcnow
from app.main import create_app
from app.users import service as users_service
from app.users.models import StaffUser
from tests.audit.helpers import events, user_id
from tests.conftest import settings_for
from tests.console.helpers import (
    CONSOLE,
    LOGIN,
    cookie_attributes,
    csrf_token,
    disable,
    issue_console_session,
    page,
    read_console_session,
    session_csrf,
    sign_in,
    signed_in,
)
from tests.factories import PASSWORD, create_staff_user

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def test_signing_in_sets_a_strict_http_only_session_cookie(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.registrar)
    response = sign_in(client, username)
    assert response.status_code == 303
    assert response.headers["location"] == "/console?lang=en"
    cookie = cookie_attributes(response, SESSION_COOKIE)
    assert cookie["value"]
    assert "httponly" in cookie
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/console"
    assert "secure" not in cookie  # the test app's base URL is http://testserver
    assert cookie_attributes(response, LOGIN_COOKIE)["max-age"] == "0"
    dashboard = page(client.get(CONSOLE))
    assert dashboard.find("h1").text == "Dashboard"
    assert f"Signed in as {username}, Registrar" in dashboard.text


def test_cookies_are_secure_when_the_public_url_is_https(
    migrated_database: str, tmp_path: Path
) -> None:
    settings = settings_for(migrated_database, tmp_path, public_base_url="https://nassc.example")
    app = create_app(settings)
    try:
        with TestClient(app, base_url="https://nassc.example") as client:
            form = client.get(LOGIN)
            assert "secure" in cookie_attributes(form, LOGIN_COOKIE)
            db = make_sessionmaker(app.state.engine)()
            try:
                username = create_staff_user(db, Role.auditor)
            finally:
                db.close()
            response = sign_in(client, username)
            assert response.status_code == 303, response.text
            cookie = cookie_attributes(response, SESSION_COOKIE)
            assert "secure" in cookie and "httponly" in cookie
            assert cookie["samesite"].lower() == "strict"
    finally:
        app.state.engine.dispose()


def test_a_sign_in_is_audited_like_a_token_request(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.auditor)
    response = sign_in(client, username)
    assert response.status_code == 303
    [event] = events(db, action="auth.login")
    target = user_id(db, username)
    assert (event.actor, event.actor_role) == (f"user:{target}", "auditor")
    assert (event.target_type, event.target_id) == ("staff_user", str(target))
    assert event.summary["after"] == {"grant_type": "password", "channel": "console"}
    assert event.request_id == response.headers["x-request-id"]


def test_a_wrong_password_shows_the_form_again_and_is_audited(
    client: TestClient, db: Session
) -> None:
    username = create_staff_user(db, Role.registrar)
    response = sign_in(client, username, "wrong-password-123")
    document = page(response, 401)
    summary = document.find("div", class_="console-error-summary")
    assert "username or password is not correct" in summary.text
    assert document.find("input", name="username").attrs["value"] == username
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    [event] = events(db, action="auth.login-failed")
    assert (event.actor, event.target_type, event.target_id) == ("anonymous", "staff_user", None)
    assert event.summary["after"] == {
        "grant_type": "password",
        "username": username,
        "channel": "console",
        "reason": "Unknown username or wrong password.",
    }
    assert "wrong-password-123" not in str(event.summary)
    assert events(db, action="auth.login") == []


def test_missing_fields_are_named_in_the_error_summary(client: TestClient) -> None:
    form = page(client.get(LOGIN))
    response = client.post(LOGIN, data={"username": " ", "csrf_token": csrf_token(form)})
    document = page(response, 400)
    links = document.find("div", class_="console-error-summary").find_all("a")
    assert [link.attrs["href"] for link in links] == ["#username", "#password"]
    assert document.find("input", name="username").attrs["aria-invalid"] == "true"


def test_the_sign_in_form_needs_its_csrf_token(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.registrar)
    client.get(LOGIN)
    missing = client.post(LOGIN, data={"username": username, "password": PASSWORD})
    page(missing, 403)
    wrong = client.post(
        LOGIN, data={"username": username, "password": PASSWORD, "csrf_token": "x" * 43}
    )
    page(wrong, 403)
    assert events(db, action="auth.login") == []


def test_a_disabled_user_cannot_sign_in(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.registrar)
    disable(db, username)
    page(sign_in(client, username), 401)
    [event] = events(db, action="auth.login-failed")
    assert event.summary["after"]["reason"] == "This account is disabled."


def test_a_disabled_users_session_stops_working_at_once(client: TestClient, db: Session) -> None:
    username = signed_in(client, db, Role.registrar)
    assert client.get(CONSOLE).status_code == 200
    disable(db, username)
    response = client.get(f"{CONSOLE}/credentials?status=active", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/console/login?lang=en&next=%2Fconsole%2Fcredentials%3Fstatus%3Dactive&done=expired"
    )
    assert cookie_attributes(response, SESSION_COOKIE)["max-age"] == "0"
    assert "Your session has ended" in page(client.get(response.headers["location"])).text


def test_a_password_reset_ends_the_session(client: TestClient, db: Session) -> None:
    username = signed_in(client, db, Role.registrar)
    assert client.get(CONSOLE).status_code == 200
    time.sleep(1.1)  # `iat` and the account's change time are compared in whole seconds
    users_service.reset_password(
        db,
        user_id=user_id(db, username),
        password="another-long-password",
        actor=None,
        now=utcnow(),
    )
    db.commit()
    assert client.get(CONSOLE, follow_redirects=False).status_code == 303


def test_a_role_change_ends_the_session(client: TestClient, db: Session) -> None:
    username = signed_in(client, db, Role.admin)
    create_staff_user(db, Role.admin)  # so the first admin is not the last one
    users_service.update_user(
        db, user_id=user_id(db, username), role=Role.auditor, actor=None, now=utcnow()
    )
    db.commit()
    assert client.get(CONSOLE, follow_redirects=False).status_code == 303


def test_pages_send_anonymous_users_to_the_sign_in_form(client: TestClient) -> None:
    response = client.get(f"{CONSOLE}/curricula?lang=fr", follow_redirects=False)
    assert response.status_code == 303
    assert (
        response.headers["location"]
        == "/console/login?lang=fr&next=%2Fconsole%2Fcurricula%3Flang%3Dfr"
    )
    form = page(client.get(response.headers["location"]))
    assert form.find("input", name="next").attrs["value"] == "/console/curricula?lang=fr"


def test_after_signing_in_the_user_returns_to_the_page_asked_for(
    client: TestClient, db: Session
) -> None:
    username = create_staff_user(db, Role.registrar)
    form = page(client.get(f"{LOGIN}?next=/console/credentials%3Fstatus%3Drevoked"))
    response = client.post(
        LOGIN,
        data={
            "username": username,
            "password": PASSWORD,
            "csrf_token": csrf_token(form),
            "next": "/console/credentials?status=revoked",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/console/credentials?status=revoked"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/console", "//evil.example/console", "/console\\@evil", "/standards"],
)
def test_the_return_address_is_never_another_site(
    client: TestClient, db: Session, target: str
) -> None:
    username = create_staff_user(db, Role.registrar)
    form = page(client.get(LOGIN))
    response = client.post(
        LOGIN,
        data={
            "username": username,
            "password": PASSWORD,
            "csrf_token": csrf_token(form),
            "next": target,
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/console?lang=en"


def test_a_signed_in_user_skips_the_form(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.auditor)
    response = client.get(LOGIN, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/console?lang=en")


def test_signing_out_removes_the_session(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.auditor)
    token = session_csrf(client)
    response = client.post(f"{CONSOLE}/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?lang=en&done=signed-out"
    assert cookie_attributes(response, SESSION_COOKIE)["max-age"] == "0"
    assert "You have signed out." in page(client.get(response.headers["location"])).text
    assert client.get(CONSOLE, follow_redirects=False).status_code == 303


def test_signing_out_needs_the_csrf_token(client: TestClient, db: Session) -> None:
    signed_in(client, db, Role.auditor)
    page(client.post(f"{CONSOLE}/logout", data={}), 403)
    assert client.get(CONSOLE).status_code == 200


def test_a_forged_session_cookie_is_refused(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "eyJhbGciOiJub25lIn0.e30.", path="/console")
    response = client.get(CONSOLE, follow_redirects=False)
    assert response.status_code == 303


def _cookie_for(db: Session, username: str, *, signed_in_at: datetime) -> str:
    """A session cookie as if `username` had signed in at `signed_in_at` (the account is
    backdated to before then, or the sign-in would predate it)."""
    db.execute(
        update(StaffUser)
        .where(StaffUser.username == username)
        .values(
            created_at=signed_in_at - timedelta(hours=1),
            updated_at=signed_in_at - timedelta(hours=1),
        )
    )
    db.commit()
    principal = Principal(
        subject=f"user:{user_id(db, username)}",
        role=Role.registrar,
        name=username,
        user_id=user_id(db, username),
    )
    return issue_console_session(
        principal,
        secret="test-token-secret-0123456789abcdef",
        issuer="http://testserver",
        now=signed_in_at,
    )


def test_a_session_in_use_is_renewed_with_the_same_id(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.registrar)
    token = _cookie_for(db, username, signed_in_at=utcnow() - timedelta(minutes=20))
    client.cookies.set(SESSION_COOKIE, token, path="/console")
    renewed = client.get(f"{CONSOLE}/credentials")
    cookie = cookie_attributes(renewed, SESSION_COOKIE)
    assert cookie["value"] != token and "httponly" in cookie
    settings = client.app.state.settings  # type: ignore[attr-defined]
    secret = settings.token_secret.get_secret_value()
    old = read_console_session(token, secret=secret, issuer="http://testserver", now=utcnow())
    new = read_console_session(
        cookie["value"], secret=secret, issuer="http://testserver", now=utcnow()
    )
    assert (new.sid, new.auth_time) == (old.sid, old.auth_time)
    assert new.expires_at > old.expires_at
    # Same session id, so the forms already on screen keep working.
    assert csrf_token(page(renewed)) == session_csrf(client)
    # A fresh cookie is not renewed again.
    assert SESSION_COOKIE not in str(client.get(CONSOLE).headers.get_list("set-cookie"))


def test_an_expired_session_is_sent_to_sign_in(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.registrar)
    token = _cookie_for(db, username, signed_in_at=utcnow() - timedelta(minutes=31))
    client.cookies.set(SESSION_COOKIE, token, path="/console")
    response = client.get(CONSOLE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?lang=en&next=%2Fconsole&done=expired"
