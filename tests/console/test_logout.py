"""Signing out ends the session on the server (issue 12, defect 8)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.console.session import SESSION_COOKIE
from tests.console.helpers import CONSOLE, session_csrf, sign_in, signed_in
from tests.factories import create_staff_user


def test_a_cookie_captured_before_signing_out_no_longer_opens_the_console(
    client: TestClient, db: Session
) -> None:
    signed_in(client, db, Role.registrar)
    captured = client.cookies.get(SESSION_COOKIE)
    assert captured
    token = session_csrf(client)
    out = client.post(f"{CONSOLE}/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303

    client.cookies.set(SESSION_COOKIE, captured, path=CONSOLE)
    replayed = client.get(CONSOLE, follow_redirects=False)
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/console/login")
    # Nor does it carry a form post.
    posted = client.post(f"{CONSOLE}/logout", data={"csrf_token": token}, follow_redirects=False)
    assert posted.status_code in (303, 403)


def test_signing_out_ends_only_that_session(client: TestClient, db: Session) -> None:
    username = create_staff_user(db, Role.auditor)
    assert sign_in(client, username).status_code == 303
    first = client.cookies.get(SESSION_COOKIE)
    client.cookies.clear()
    assert sign_in(client, username).status_code == 303
    second = client.cookies.get(SESSION_COOKIE)
    assert first and second and first != second
    client.post(f"{CONSOLE}/logout", data={"csrf_token": session_csrf(client)})

    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, first, path=CONSOLE)
    assert client.get(CONSOLE, follow_redirects=False).status_code == 200
    client.cookies.set(SESSION_COOKIE, second, path=CONSOLE)
    assert client.get(CONSOLE, follow_redirects=False).status_code == 303
