"""Invitations and claim links by email, through a local SMTP server (STARTTLS, login):
each message as received, in the recipient's language, with a link that works; a delivery
status per message, retries for what may pass, failures recorded."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.db import make_sessionmaker, utcnow
from app.deliveries import schedule
from app.deliveries import service as deliveries_service
from app.deliveries.models import DeliveryStatus, MailDelivery
from app.fields import Language
from app.mail.smtp import smtp_config
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderRole
from tests.console.actions_helpers import notice, notice_of, post_form
from tests.console.helpers import page
from tests.console.helpers import signed_in as console_signed_in
from tests.credentials.factories import issuing_setup, rows
from tests.factories import create_provider, staff_headers
from tests.portal.helpers import PORTAL, STAFF, accept, session_csrf, sign_in, signed_in
from tests.portal.smtp_server import SmtpServer, free_port

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite", "postgres"], indirect=True)
LINK = re.compile(r"http://testserver/\S+")


@pytest.fixture
def settings(mailing_settings: Settings) -> Settings:
    """Every test here sends mail."""
    return mailing_settings


def link_in(text: str) -> str:
    """The path of the one link in a mail's text."""
    [link] = LINK.findall(text)
    return str(urlsplit(link).path)


def _at(moment: datetime) -> datetime:
    return moment


def deliveries(db: Session) -> list[MailDelivery]:
    db.expire_all()
    return list(db.scalars(select(MailDelivery).order_by(MailDelivery.id)))


def test_staff_invitation_is_mailed_in_the_invitees_language(
    client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    provider = create_provider(db)
    response = client.post(
        f"/api/v1/admin/providers/{provider.id}/users",
        headers=staff_headers(client, db, Role.registrar),
        json={"email": "lucia@tec-puebla.example", "name": "Lucía Ramírez", "language": "es"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["invitation_mailed"] is True
    assert response.json()["invitation_url"] is None
    [message] = mail_server.received.messages
    assert mail_server.received.tls == [True]
    assert message["To"] == "lucia@tec-puebla.example"
    assert message["From"] == "NASSC <no-reply@nassc.example>"
    assert message["Subject"] == "Su invitación al portal de instituciones NASSC"
    assert message["Content-Language"] == "es"
    assert message["Message-ID"].endswith("@nassc.example>")
    text = message.get_content()
    assert text.startswith("Hola, Lucía Ramírez:")
    assert provider.name in text
    path = link_in(text)
    assert path.startswith("/portal/invitations/")
    assert accept(client, path).status_code == 303
    assert sign_in(client, "lucia@tec-puebla.example").status_code == 303
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.attempts, delivery.kind) == ("sent", 1, "invitation")
    assert delivery.sent_at is not None


def test_a_portal_admin_invites_a_colleague_by_mail(
    client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    provider = create_provider(db, country="CA")
    signed_in(client, db, provider)
    mail_server.received.messages.clear()
    token = session_csrf(client, f"{PORTAL}/users")
    answer = page(
        client.post(
            f"{PORTAL}/users?lang=fr",
            data={
                "csrf_token": token,
                "email": "agent@union-alberta.example",
                "name": "Agathe Roy",
                "role": "provider_staff",
                "language": "fr",
            },
        )
    )
    assert "L’invitation est en route vers agent@union-alberta.example." in answer.text
    assert not answer.find_all("a", id="invitation-link")
    [message] = mail_server.received.messages
    assert message["Subject"] == "Votre invitation au portail des organismes NASSC"
    assert "Bonjour Agathe Roy," in message.get_content()


def test_staff_invite_from_the_console_by_mail(
    client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    provider = create_provider(db)
    console_signed_in(client, db, Role.registrar)
    path = f"/console/providers/{provider.id}"
    person = {"name": "Lucía Ramírez", "email": "lucia@tec-puebla.example", "language": "es"}
    answer = page(post_form(client, f"{path}/users", "fr", path, role="provider_admin", **person))
    assert notice_of(answer) == notice("fr", "invitation-mailed", email=person["email"])
    assert not answer.find_all("code", id="shown-secret")
    [message] = mail_server.received.messages
    assert message["To"] == person["email"]
    assert message["Subject"] == "Su invitación al portal de instituciones NASSC"
    assert accept(client, link_in(message.get_content())).status_code == 303


def test_claim_links_reach_each_worker_in_their_language_and_claim(
    client: TestClient, app: FastAPI, db: Session, mail_server: SmtpServer
) -> None:
    setup = issuing_setup(client, app, db)
    batch = client.post(
        "/api/v1/credential-batches",
        headers=setup.provider,
        json={"curriculum_id": setup.curriculum_id, "rows": rows(3)},
    )
    assert batch.status_code == 202, batch.text
    batch_id = batch.json()["id"]
    recipients = deliveries_service.issued_recipients(
        db, batch_id=batch_id, languages={2: Language.fr}, default=Language.es
    )
    queued = deliveries_service.queue_claim_links(
        db,
        batch_id=batch_id,
        provider_id=setup.provider_id,
        recipients=recipients,
        requested_by="provider_user:1",
        now=utcnow(),
    )
    db.commit()
    assert len(queued) == 3
    config = smtp_config(app.state.settings)
    assert config is not None
    sessions = make_sessionmaker(app.state.engine)
    outcome = deliveries_service.deliver(sessions, config=config, base_url="http://testserver")
    assert len(outcome.sent) == 3
    received = mail_server.received.messages
    assert [m["To"] for m in received] == [f"worker{n}@example.com" for n in range(3)]
    assert [m["Content-Language"] for m in received] == ["es", "fr", "es"]
    assert received[1]["Subject"] == "Votre attestation NASSC est prête"
    assert received[0]["Subject"] == "Su credencial NASSC está lista"
    assert "via NASSC" in received[0]["From"] and "no-reply@nassc.example" in received[0]["From"]
    assert received[0]["Reply-To"].endswith("@provider.example")
    for n, message in enumerate(received):
        assert f"Worker {n}" in message.get_content()
        token = link_in(message.get_content()).rsplit("/", 1)[1]
        claimed = client.post(f"/api/v1/claims/{token}")
        assert claimed.status_code == 200, claimed.text
    # Delivering again sends nothing: every message has gone.
    assert deliveries_service.deliver(sessions, config=config, base_url="http://x").sent == []
    again = deliveries_service.queue_claim_links(
        db,
        batch_id=batch_id,
        provider_id=setup.provider_id,
        recipients=recipients,
        requested_by="provider_user:1",
        now=utcnow(),
    )
    assert again == []


def _invite_to(client: TestClient, db: Session, email: str) -> None:
    provider = create_provider(db)
    response = client.post(
        f"/api/v1/admin/providers/{provider.id}/users",
        headers=staff_headers(client, db, Role.admin),
        json={"email": email, "name": "Someone", "language": "en"},
    )
    assert response.status_code == 201, response.text


def test_a_refused_recipient_fails_at_once_with_the_servers_reason(
    client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    _invite_to(client, db, "bounce@provider.example")
    [delivery] = deliveries(db)
    assert delivery.status == DeliveryStatus.failed
    assert delivery.attempts == 1
    assert delivery.last_error is not None and delivery.last_error.startswith("550")
    assert mail_server.received.messages == []


def test_a_temporary_refusal_is_retried_later_then_given_up(
    client: TestClient, app: FastAPI, db: Session, mail_server: SmtpServer
) -> None:
    _invite_to(client, db, "later@provider.example")
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.queued, 1)
    assert delivery.last_error is not None and delivery.last_error.startswith("451")
    first_retry = delivery.next_attempt_at
    assert first_retry - delivery.updated_at == deliveries_service.retry_delay(1)
    config = smtp_config(app.state.settings)
    assert config is not None
    sessions = make_sessionmaker(app.state.engine)
    # Not due yet: nothing happens.
    assert deliveries_service.deliver(sessions, config=config, base_url="x").retrying == []
    later = first_retry
    for attempt in range(2, deliveries_service.MAX_ATTEMPTS + 1):
        later = later + timedelta(hours=2)
        outcome = deliveries_service.deliver(
            sessions, config=config, base_url="http://testserver", clock=partial(_at, later)
        )
        [delivery] = deliveries(db)
        assert delivery.attempts == attempt
    assert outcome.failed == [delivery.id]
    assert delivery.status == DeliveryStatus.failed


def test_an_unreachable_server_leaves_the_mail_queued(app: FastAPI, db: Session) -> None:
    config = smtp_config(app.state.settings)
    assert config is not None
    provider = create_provider(db)
    invitation = provider_users_service.invite(
        db,
        provider_id=provider.id,
        email="someone@provider.example",
        name="Someone",
        role=ProviderRole.provider_admin,
        language=Language.en,
        actor=STAFF,
        now=utcnow(),
    )
    for _ in range(2):
        deliveries_service.queue_invitation(
            db, user=invitation.user, requested_by="user:1", now=utcnow()
        )
    db.commit()
    unreachable = replace(config, port=free_port())
    sessions = make_sessionmaker(app.state.engine)
    outcome = deliveries_service.deliver(sessions, config=unreachable, base_url="http://x")
    assert len(outcome.retrying) == 1  # the second stays due, untouched, for the next pass
    first, second = deliveries(db)
    assert (first.status, first.attempts) == (DeliveryStatus.queued, 1)
    assert first.last_error and "Error" in first.last_error
    assert (second.status, second.attempts) == (DeliveryStatus.queued, 0)


def test_a_wrong_smtp_password_is_a_failure_that_may_pass(
    app: FastAPI, client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    from dataclasses import replace

    _invite_to(client, db, "someone@provider.example")
    config = smtp_config(app.state.settings)
    assert config is not None
    sessions = make_sessionmaker(app.state.engine)
    for delivery in deliveries(db):
        delivery.status = DeliveryStatus.queued
        delivery.next_attempt_at = utcnow()
    db.commit()
    outcome = deliveries_service.deliver(
        sessions, config=replace(config, password="wrong"), base_url="http://x"
    )
    assert len(outcome.retrying) == 1
    [delivery] = deliveries(db)
    assert delivery.last_error is not None and delivery.last_error.startswith("535")


def test_two_workers_never_send_the_same_message(
    app: FastAPI, client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    _invite_to(client, db, "someone@provider.example")
    [delivery] = deliveries(db)
    config = smtp_config(app.state.settings)
    assert config is not None
    sessions = make_sessionmaker(app.state.engine)
    # A worker holds it (sending, lease not over): another pass leaves it alone.
    delivery.status = DeliveryStatus.sending
    delivery.next_attempt_at = utcnow() + timedelta(minutes=1)
    db.commit()
    before = len(mail_server.received.messages)
    assert (
        deliveries_service.deliver(
            sessions, config=config, base_url="http://x", ids=[delivery.id]
        ).sent
        == []
    )
    # The holder stopped reporting: once the lease is over, another worker takes it up.
    after_lease = utcnow() + timedelta(minutes=2)
    taken = deliveries_service.deliver(
        sessions, config=config, base_url="http://x", clock=lambda: after_lease
    )
    assert taken.sent == [delivery.id]
    assert len(mail_server.received.messages) == before + 1


def test_a_pass_asked_for_while_one_runs_is_left_to_the_running_one(
    app: FastAPI, client: TestClient, db: Session, mail_server: SmtpServer
) -> None:
    _invite_to(client, db, "someone@provider.example")
    for delivery in deliveries(db):
        delivery.status = DeliveryStatus.queued
        delivery.next_attempt_at = utcnow()
    db.commit()
    mail_server.received.messages.clear()
    sessions = app.state.sessionmaker
    passes = schedule._passes_of(sessions)
    with passes.running:  # a pass over the due mail is running in this process
        schedule.deliver_due(sessions, app.state.settings)
    # This pass left the message to the running one, and asked it to go round again.
    assert mail_server.received.messages == []
    assert passes.asked.is_set()
    schedule.deliver_due(sessions, app.state.settings)
    assert [m["To"] for m in mail_server.received.messages] == ["someone@provider.example"]
    assert not passes.asked.is_set()
