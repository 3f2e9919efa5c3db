"""Issuing from the portal: upload, a preview that checks every row before anything is
issued (problems in the reader's language), the batch page with its progress and rows,
claim links mailed in each worker's language, downloads, one provider's batches only."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.config import Settings
from app.credentials.models import Credential, CredentialBatch
from app.deliveries.models import DeliveryStatus, MailDelivery
from app.providers.models import TrainingProvider
from tests.console.helpers import Element, page
from tests.credentials.factories import IssuingSetup, issuing_setup
from tests.factories import create_provider
from tests.portal.helpers import PORTAL, session_csrf, signed_in
from tests.portal.smtp_server import SmtpServer

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
HEADER = "name,email,completed_on,score_percent,language\n"


def cohort(count: int, *, bad: dict[int, str] | None = None) -> str:
    """A CSV of `count` workers; `bad` replaces some rows (numbered from 1) as they are."""
    lines = [HEADER]
    for n in range(1, count + 1):
        language = ("fr", "", "en")[n % 3]
        line = f"Trabajador {n},worker{n}@example.com,2026-11-20,{70 + n % 30},{language}\n"
        lines.append((bad or {}).get(n, line))
    return "".join(lines)


def _provider(db: Session, setup: IssuingSetup) -> TrainingProvider:
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    return provider


def upload(client: TestClient, setup: IssuingSetup, text: str, lang: str = "en") -> Element:
    token = session_csrf(client, f"{PORTAL}/issue")
    response = client.post(
        f"{PORTAL}/issue?lang={lang}",
        data={"csrf_token": token, "curriculum_id": str(setup.curriculum_id)},
        files={"upload": ("passed.csv", text.encode(), "text/csv")},
    )
    return page(response)


def confirm(client: TestClient, preview: Element) -> str:
    """Post the preview's form; returns the batch page's path."""
    [form] = [
        form
        for form in preview.find_all("form")
        if "/portal/issue/confirm" in (form.attrs.get("action") or "")
    ]
    fields = {
        str(element.attrs["name"]): element.attrs.get("value") or ""
        for element in form.find_all("input")
        if element.attrs.get("name")
    }
    response = client.post(str(form.attrs["action"]), data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_the_preview_checks_every_row_before_anything_is_issued(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    signed_in(client, db, _provider(db, setup))
    text = cohort(
        6,
        bad={
            2: "Sin Correo,not-an-email,2026-11-20,80,es\n",
            5: "Idioma Raro,worker5@example.com,2026-11-20,80,de\n",
        },
    )
    preview = upload(client, setup, text, lang="es")
    assert preview.find("h1").text == "Revisar las filas"
    summary = preview.find("p", id="preview-summary").text
    assert "4 filas pueden emitirse" in summary
    assert "2 filas tienen problemas" in summary
    rows = preview.find("table", id="preview-rows").find_all("tr")[1:]
    assert len(rows) == 6
    assert "Columna email: falta el valor o no es válido." in rows[1].text
    assert "Columna language: escriba en, es o fr." in rows[4].text
    assert "Ninguno" in rows[0].text
    assert db.scalar(select(CredentialBatch.id)) is None
    assert db.scalar(select(Credential.id)) is None


def test_a_file_that_is_not_a_cohort_is_refused_with_the_form_again(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    signed_in(client, db, _provider(db, setup))
    token = session_csrf(client, f"{PORTAL}/issue")
    response = client.post(
        f"{PORTAL}/issue",
        data={"csrf_token": token, "curriculum_id": str(setup.curriculum_id)},
        files={"upload": ("x.csv", b"nombre,correo\nA,b\n", "text/csv")},
    )
    document = page(response, 400)
    assert document.find("div", class_="console-problem")
    assert document.find("input", type="file")


def test_issuing_without_mail_offers_the_claim_links_as_csv(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    signed_in(client, db, _provider(db, setup))
    preview = upload(client, setup, cohort(3, bad={3: "X,bad,2026-11-20,80,en\n"}))
    assert "This service sends no mail" in preview.text
    batch_path = confirm(client, preview)
    batch = page(client.get(batch_path))
    assert batch.find("progress").attrs["value"] == "100"
    assert "Rows: 3. Issued: 2. Not issued: 1." in batch.find("p", id="batch-figures").text
    assert not batch.find_all("meta", content="3")
    batch_id = urlsplit(batch_path).path.rsplit("/", 1)[1]
    token = session_csrf(client, batch_path)
    links = client.post(f"{PORTAL}/batches/{batch_id}/claim-links.csv", data={"csrf_token": token})
    assert links.status_code == 200
    assert links.headers["content-type"] == "text/csv; charset=utf-8"
    found = list(csv.DictReader(io.StringIO(links.text)))
    assert [row["row"] for row in found] == ["1", "2"]
    token_of = found[0]["claim_url"].rsplit("/", 1)[1]
    assert client.post(f"/api/v1/claims/{token_of}").status_code == 200
    issued = client.get(f"{PORTAL}/batches/{batch_id}/credentials.csv")
    assert issued.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(issued.text)))) == 2


def test_another_providers_user_cannot_see_or_use_the_batch(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    signed_in(client, db, _provider(db, setup))
    batch_path = confirm(client, upload(client, setup, cohort(2)))
    batch_id = urlsplit(batch_path).path.rsplit("/", 1)[1]
    client.cookies.clear()
    signed_in(client, db, create_provider(db))
    page(client.get(batch_path), 404)
    page(client.get(f"{PORTAL}/batches/{batch_id}/credentials.csv"), 404)
    token = session_csrf(client, f"{PORTAL}/issue")
    page(
        client.post(f"{PORTAL}/batches/{batch_id}/claim-links.csv", data={"csrf_token": token}), 404
    )
    # Nor issue for its curriculum.
    refused = client.post(
        f"{PORTAL}/issue",
        data={"csrf_token": token, "curriculum_id": str(setup.curriculum_id)},
        files={"upload": ("passed.csv", cohort(1).encode(), "text/csv")},
    )
    assert refused.status_code in (400, 403, 404)
    assert db.scalar(select(CredentialBatch.id).where(CredentialBatch.id != batch_id)) is None


class TestWithMail:
    @pytest.fixture
    def settings(self, mailing_settings: Settings) -> Settings:
        return mailing_settings

    def test_claim_links_are_mailed_in_each_workers_language_and_claim(
        self, client: TestClient, app: FastAPI, db: Session, mail_server: SmtpServer
    ) -> None:
        setup = issuing_setup(client, app, db)
        signed_in(client, db, _provider(db, setup))
        preview = upload(client, setup, cohort(6, bad={4: "Y,nope,2026-11-20,80,es\n"}))
        assert "Each worker receives their claim link by email" in preview.text
        batch_path = confirm(client, preview)
        batch = page(client.get(f"{batch_path}&lang=fr"))
        assert batch.find("progress").attrs["value"] == "100"
        assert "Envoyés : 5" in batch.find("ul", id="mail-figures").text
        received = mail_server.received.messages
        assert sorted(m["To"] for m in received) == [
            f"worker{n}@example.com" for n in (1, 2, 3, 5, 6)
        ]
        # Row 1 names no language: the provider country's (Mexico: Spanish); rows 2, 3 do.
        by_address = {m["To"]: m for m in received}
        assert by_address["worker1@example.com"]["Content-Language"] == "es"
        assert by_address["worker2@example.com"]["Content-Language"] == "en"
        assert by_address["worker3@example.com"]["Content-Language"] == "fr"
        assert by_address["worker3@example.com"]["Subject"] == "Votre attestation NASSC est prête"
        for message in received:
            [link] = re.findall(r"http://testserver/claim/\S+", message.get_content())
            token = link.rsplit("/", 1)[1]
            assert client.post(f"/api/v1/claims/{token}").status_code == 200

    def test_mail_failures_are_shown_on_the_batch_page(
        self, client: TestClient, app: FastAPI, db: Session, mail_server: SmtpServer
    ) -> None:
        setup = issuing_setup(client, app, db)
        signed_in(client, db, _provider(db, setup))
        text = cohort(2, bad={2: "Rebote,bounce@example.com,2026-11-20,80,en\n"})
        batch_path = confirm(client, upload(client, setup, text))
        batch = page(client.get(batch_path))
        failures = batch.find("table", id="mail-failures").text
        assert "bounce@example.com" in failures
        assert "550" in failures
        assert len(mail_server.received.messages) == 1

    def test_the_batch_page_refreshes_itself_while_claim_links_wait_to_go(
        self, client: TestClient, app: FastAPI, db: Session, mail_server: SmtpServer
    ) -> None:
        setup = issuing_setup(client, app, db)
        signed_in(client, db, _provider(db, setup))
        text = cohort(2, bad={2: "Luego,later@example.com,2026-11-20,80,es\n"})
        batch_path = confirm(client, upload(client, setup, text))
        batch = page(client.get(f"{batch_path}&lang=es"))
        assert batch.find("progress").attrs["value"] == "100"
        # Issued, but the server asked to try one mail again later: the page keeps looking.
        assert "Enviados: 1" in batch.find("ul", id="mail-figures").text
        assert batch.find_all("meta", content="3")
        status = batch.find("p", role="status").text
        assert status == (
            "Se están enviando por correo los enlaces de reclamo; esta página se actualiza sola."
        )
        db.execute(update(MailDelivery).values(status=DeliveryStatus.failed.value))
        db.commit()
        assert not page(client.get(batch_path)).find_all("meta", content="3")
