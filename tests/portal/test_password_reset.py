"""A provider user who forgot their password gets a single-use, hour-long link by mail (the
local SMTP server receives it); the answer never says whether the address has an account;
requests are throttled; the new password ends the user's other sessions; all audited."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.throttle import LoginThrottle
from app.config import Settings
from app.db import utcnow
from app.deliveries.models import MailDelivery
from app.portal.session import PORTAL as PORTAL_REALM
from app.provider_users import password_resets
from app.provider_users.models import ProviderPasswordReset, ProviderRole, ProviderUser
from app.provider_users.service import token_digest
from app.web import sessions
from tests.audit.helpers import events
from tests.console.helpers import csrf_token, page
from tests.factories import PASSWORD, create_provider
from tests.portal.helpers import LOGIN, PORTAL, account, invite, sign_in
from tests.portal.smtp_server import SmtpServer
from tests.portal.test_sign_in import FakeClock

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
RESET = f"{PORTAL}/password-reset"
LINK = re.compile(r"http://testserver(/\S+)")
NEW_PASSWORD = "a-brand-new-portal-password"
SENT = "If an account uses this address, a link to choose a new password is on its way"


@pytest.fixture
def settings(mailing_settings: Settings) -> Settings:
    """Every test here may send mail."""
    return mailing_settings


def ask_for_link(client: TestClient, email: str, **params: str) -> httpx2.Response:
    """Post the forgotten-password form, as a browser would."""
    form = page(client.get(RESET, params=params))
    return client.post(RESET, params=params, data={"email": email, "csrf_token": csrf_token(form)})


def choose(client: TestClient, path: str, password: str, confirmation: str) -> httpx2.Response:
    """Post the new-password form of a reset link (the answer is not followed)."""
    form = page(client.get(path))
    return client.post(
        path,
        data={"password": password, "confirmation": confirmation, "csrf_token": csrf_token(form)},
        follow_redirects=False,
    )


def test_a_forgotten_password_is_reset_with_the_mailed_link(
    client: TestClient, app: FastAPI, db: Session, settings: Settings, mail_server: SmtpServer
) -> None:
    provider = create_provider(db)
    me = account(client, db, provider, ProviderRole.provider_staff)
    # Another session, begun in an earlier second than the reset (sessions count whole
    # seconds, so one begun in the same second would survive it, by design).
    user = db.get(ProviderUser, me.user_id)
    assert user is not None
    user.updated_at = utcnow() - timedelta(seconds=20)
    db.commit()
    elsewhere = TestClient(app)
    elsewhere.cookies.set(
        PORTAL_REALM.session_cookie,
        sessions.issue_session(
            PORTAL_REALM,
            subject=f"provider_user:{me.user_id}",
            role=user.role,
            secret=settings.token_secret.get_secret_value(),
            issuer=settings.public_base_url,
            now=utcnow() - timedelta(seconds=10),
        ),
    )
    assert elsewhere.get(PORTAL, follow_redirects=False).status_code == 200
    mail_server.received.messages.clear()
    login = page(client.get(LOGIN))
    assert login.find("a", id="forgot-password").attrs["href"] == f"{RESET}?lang=en"

    answer = ask_for_link(client, me.email.upper(), lang="fr")
    assert "Si un compte utilise cette adresse" in page(answer).text
    [message] = mail_server.received.messages
    assert message["To"] == me.email
    # The invitation helper chose Spanish for the person's mail.
    assert message["Subject"] == "Elija una nueva contraseña para el portal de instituciones NASSC"
    text = message.get_content()
    assert provider.name in text and "durante una hora" in text
    [link] = LINK.findall(text)
    path = urlsplit(link).path
    token = path.rsplit("/", 1)[1]
    [stored] = db.scalars(select(ProviderPasswordReset)).all()
    assert stored.token_hash == token_digest(token) != token
    assert stored.expires_at - stored.created_at == timedelta(hours=1)

    assert "Choose a new password" in page(client.get(path)).text
    short = choose(client, path, "short", "short")
    assert "at least 12 characters" in page(short, 400).text
    mismatch = choose(client, path, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert "The two passwords are not the same." in page(mismatch, 400).text
    done = choose(client, path, NEW_PASSWORD, NEW_PASSWORD)
    assert done.status_code == 303
    assert "Your new password is set" in page(client.get(done.headers["location"])).text

    ended = elsewhere.get(PORTAL, follow_redirects=False)
    assert ended.status_code == 303 and "/portal/login" in ended.headers["location"]
    elsewhere.close()
    assert sign_in(client, me.email, PASSWORD).status_code == 401
    assert sign_in(client, me.email, NEW_PASSWORD).status_code == 303
    again = client.get(path)
    assert "unknown, has been used or has expired" in page(again, 410).text
    [requested] = events(db, action="provider_user.password-reset-requested")
    assert (requested.actor, requested.target_id) == ("anonymous", str(me.user_id))
    [reset] = events(db, action="provider_user.password-reset")
    assert reset.actor == f"provider_user:{me.user_id}"


def test_the_answer_never_says_whether_an_address_has_an_account(
    client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    provider = create_provider(db)
    known = account(client, db, provider)
    invited, _ = invite(db, provider)
    disabled = account(client, db, provider)
    user = db.get(ProviderUser, disabled.user_id)
    assert user is not None
    user.is_active = False
    db.commit()
    mail_server.received.messages.clear()
    answers = {}
    for email in (known.email, "nobody@provider.example", invited, disabled.email):
        answer = ask_for_link(client, email)
        document = page(answer)
        assert SENT in document.text
        answers[email] = (answer.status_code, document.text)
    assert len(set(answers.values())) == 1
    assert [message["To"] for message in mail_server.received.messages] == [known.email]
    db.expire_all()
    assert len(db.scalars(select(MailDelivery)).all()) == 1


def test_an_expired_or_unknown_link_is_refused(client: TestClient, db: Session) -> None:
    me = account(client, db, create_provider(db))
    link = password_resets.renew_link(db, user_id=me.user_id, now=utcnow() - timedelta(minutes=61))
    assert link is not None
    db.commit()
    for token in (link.token, "not-a-token"):
        refused = client.get(f"{RESET}/{token}", params={"lang": "es"})
        assert "Este enlace para elegir una nueva contraseña" in page(refused, 410).text
    assert sign_in(client, me.email).status_code == 303


def test_requests_are_throttled_like_sign_in(
    client: TestClient, app: FastAPI, db: Session, mail_server: SmtpServer
) -> None:
    app.state.login_throttle = LoginThrottle(clock=FakeClock())
    me = account(client, db, create_provider(db))
    mail_server.received.messages.clear()
    for _ in range(5):
        assert SENT in page(ask_for_link(client, me.email)).text
    refused = ask_for_link(client, me.email)
    assert "Too many requests." in page(refused, 429).text
    assert refused.headers["retry-after"] == "2"
    assert len(mail_server.received.messages) == 5
    [throttled] = events(db, action="auth.throttled")
    assert (throttled.target_type, throttled.summary["after"]["failures"]) == ("provider_user", 5)


def test_the_request_form_needs_its_csrf_token(
    client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    me = account(client, db, create_provider(db))
    mail_server.received.messages.clear()
    page(client.get(RESET))
    assert client.post(RESET, data={"email": me.email}).status_code == 403
    assert mail_server.received.messages == []
