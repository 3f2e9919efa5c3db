"""The provider portal's acceptance (issue #18), in headless Chromium, in English, Spanish
and French, against a live server that mails through a local SMTP server.

A provider user signs in, builds a curriculum with gaps, reads the gaps in words, fixes
them and submits; a registrar approves it in the console; the provider uploads the 500
workers who passed, two of them on bad rows, reads exactly those two rows' problems in the
preview, issues the other 498 and watches the batch page reach 100% and every mail go. The
SMTP server has then received 498 messages, one to each worker, in the worker's language
(their row's `language`, else the one of the provider's country); every link claims that
worker's credential once (one in the browser, the rest over HTTP) and never again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from functools import partial
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.credentials.models import CredentialBatchRow
from app.crypto.hashing import email_identity_hash
from app.fields import Country, Language
from app.provider_users.models import ProviderRole
from app.standards.schemas import StandardRead
from tests.browser import (
    WAIT_SECONDS,
    LiveServer,
    attribute_becomes,
    sign_in_form,
    spaced,
    submit,
    text_becomes,
    wait_for,
)
from tests.credentials.factories import ready_to_issue
from tests.curricula.factories import complete_curriculum_body
from tests.factories import PASSWORD, create_provider, create_staff_user
from tests.portal.curriculum_forms import choose, fill_module, fix_gaps, gapped_body, type_into
from tests.portal.helpers import ready_user
from tests.portal.smtp_server import SmtpServer
from tests.portal.test_issuing import cohort

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

WORKERS = 500
BAD_ROWS = {
    137: "Sin Correo,not-an-email,2026-11-20,80,es\n",
    402: "Trabajador 402,worker402@example.com,20/11/2026,80,fr\n",
}
ISSUED = WORKERS - len(BAD_ROWS)


@dataclass(frozen=True)
class Reader:
    """A provider user reading the portal in one language, and the words they should see."""

    country: Country
    region: str
    mail_default: Language
    missing_outcome: str
    foreign_module: str
    draft_saved: str
    no_gaps: str
    approved: str
    preview: str
    email_problem: str
    date_problem: str
    figures: str
    sent: str


READERS = {
    "en": Reader(
        country=Country.us,
        region="Ohio",
        mail_default=Language.en,
        missing_outcome="No module teaches outcome {outcome} of unit {unit}.",
        foreign_module="Module M02 is taught in French, which is not allowed in your country",
        draft_saved="Draft saved.",
        no_gaps="No gaps:",
        approved="The curriculum has been approved.",
        preview="498 rows can be issued. 2 rows have problems and will not be issued.",
        email_problem="Column email: the value is missing or not valid.",
        date_problem="Column completed_on: the value is missing or not valid.",
        figures="Rows: 500. Issued: 498. Not issued: 2.",
        sent="Sent: 498",
    ),
    "es": Reader(
        country=Country.mx,
        region="Puebla",
        mail_default=Language.es,
        missing_outcome="Ningún módulo enseña el resultado {outcome} de la unidad {unit}.",
        foreign_module="El módulo M02 se imparte en inglés, lo cual no está permitido en su país",
        draft_saved="Borrador guardado.",
        no_gaps="Sin brechas:",
        approved="El plan de estudios se aprobó.",
        preview="498 filas pueden emitirse. 2 filas tienen problemas y no se emitirán.",
        email_problem="Columna email: falta el valor o no es válido.",
        date_problem="Columna completed_on: falta el valor o no es válido.",
        figures="Filas: 500. Emitidas: 498. No emitidas: 2.",
        sent="Enviados: 498",
    ),
    "fr": Reader(
        country=Country.ca,
        region="Québec",
        mail_default=Language.fr,
        missing_outcome="Aucun module n’enseigne le résultat {outcome} de l’unité {unit}.",
        foreign_module="Le module M02 est donné en espagnol, ce qui n’est pas permis",
        draft_saved="Brouillon enregistré.",
        no_gaps="Aucun écart :",
        approved="Le programme de formation a été approuvé.",
        preview=(
            "498 lignes peuvent être délivrées. 2 lignes ont des problèmes et ne seront pas"
            " délivrées."
        ),
        email_problem="Colonne email : la valeur manque ou n’est pas valide.",
        date_problem="Colonne completed_on : la valeur manque ou n’est pas valide.",
        figures="Lignes : 500. Délivrées : 498. Non délivrées : 2.",
        sent="Envoyés : 498",
    ),
}
SUBJECTS = {
    Language.en: "Your NASSC credential is ready",
    Language.es: "Su credencial NASSC está lista",
    Language.fr: "Votre attestation NASSC est prête",
}
ROW_LANGUAGES = {"fr": Language.fr, "en": Language.en}
"""The `language` column of `cohort`'s rows (some rows leave it empty)."""


@pytest.fixture
def settings(live_mail_settings: Settings) -> Settings:
    """Mail through the local SMTP server; links to the live server (`live_server`)."""
    return live_mail_settings


def text_of(browser: WebDriver, css: str) -> str:
    """The text of an element, no-break spaces as plain ones."""
    return spaced(wait_for(browser, css).text)


def until(browser: WebDriver, condition: Callable[[WebDriver], bool], what: str) -> None:
    """Wait for `condition` on a page that refreshes itself."""
    WebDriverWait(browser, WAIT_SECONDS).until(condition, what)


def build_curriculum(
    browser: WebDriver, url: str, lang: str, reader: Reader, standard: StandardRead
) -> int:
    """Sign in, build a curriculum with gaps, read them, fix them and submit; its id."""
    gapped = gapped_body(standard, reader.country)
    unit = standard.units[0]
    missing = unit.outcomes[1].code
    submit(browser, wait_for(browser, "nav a[href*='/portal/curricula']"))
    submit(browser, browser.find_element(By.ID, "new-curriculum"))
    choose(browser, "standard-choice", f"{standard.code}:{standard.version}")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button"))
    type_into(browser, "title", f"{standard.title.en} — {reader.region}")
    for number, module in enumerate(gapped["modules"], start=1):
        if number > 1:
            submit(browser, browser.find_element(By.ID, "add-module"))
        fill_module(browser, number, module)
    submit(browser, browser.find_element(By.ID, "save-draft"))
    assert text_of(browser, "[role=status]").startswith(reader.draft_saved)
    gaps = {
        str(item.get_attribute("data-kind")): item.text
        for item in browser.find_elements(By.CSS_SELECTOR, "#gaps li")
    }
    assert {
        "outcome-not-covered",
        "outcome-partially-covered",
        "hours-below-minimum",
        "practice-share-below-minimum",
        "modality-not-allowed",
        "language-not-allowed",
    } <= set(gaps), gaps
    assert gaps["outcome-not-covered"].startswith(
        reader.missing_outcome.format(outcome=missing, unit=unit.code)
    )
    assert spaced(gaps["language-not-allowed"]).startswith(reader.foreign_module)

    fix_gaps(browser, complete_curriculum_body(standard, reader.country))
    submit(browser, browser.find_element(By.ID, "submit-curriculum"))
    assert text_of(browser, "#no-gaps").startswith(reader.no_gaps)
    assert browser.find_elements(By.CSS_SELECTOR, "#gaps li") == []
    return int(browser.current_url.split("/curricula/")[1].split("?")[0])


def approve_in_console(
    browser: WebDriver, url: str, lang: str, reader: Reader, registrar: str, curriculum_id: int
) -> None:
    """A registrar signs in to the console and approves the curriculum."""
    sign_in_form(
        browser, f"{url}/console?lang={lang}", account=("username", registrar), password=PASSWORD
    )
    browser.get(f"{url}/console/curricula/{curriculum_id}?lang={lang}")
    submit(browser, wait_for(browser, "button#approve"))
    assert text_of(browser, ".console-notice") == reader.approved
    assert browser.find_elements(By.ID, "approve") == []


def issue_cohort(browser: WebDriver, url: str, lang: str, reader: Reader, upload: Path) -> None:
    """Upload the cohort, read the preview's two problem rows, issue the rest, and watch
    the batch page (which refreshes itself) until every credential is issued and every
    mail sent."""
    browser.get(f"{url}/portal/issue?lang={lang}")
    wait_for(browser, "input#upload").send_keys(str(upload))
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.console-form button"))
    assert text_of(browser, "#preview-summary") == reader.preview
    problems = {
        int(row.find_element(By.CSS_SELECTOR, "td").text): spaced(
            row.find_element(By.CSS_SELECTOR, "td:last-child").text
        )
        for row in browser.find_elements(By.CSS_SELECTOR, "#preview-rows tr.row--problem")
    }
    assert problems == {137: reader.email_problem, 402: reader.date_problem}
    assert len(browser.find_elements(By.CSS_SELECTOR, "#preview-rows tbody tr")) == WORKERS

    submit(
        browser,
        browser.find_element(By.CSS_SELECTOR, "form[action*='/issue/confirm'] button"),
    )
    until(browser, attribute_becomes("#progress", "value", "100"), "progress at 100%")
    until(browser, text_becomes("#batch-figures", reader.figures), reader.figures)
    until(browser, text_becomes("#mail-figures li", reader.sent), reader.sent)


def worker_rows(db: Session) -> dict[str, CredentialBatchRow]:
    """The issued rows, by the worker's email address."""
    rows = db.scalars(select(CredentialBatchRow).where(CredentialBatchRow.status == "issued"))
    return {str(row.payload["recipient"]["email"]): row for row in rows}


def claim_token(message: EmailMessage, url: str) -> str:
    """The secret of the one claim link of a mail."""
    [token] = re.findall(re.escape(url) + r"/claim/(\S+)", message.get_content())
    return str(token)


def claim_twice(
    http: httpx.Client, mail: tuple[str, str], *, first: str
) -> tuple[httpx.Response | None, httpx.Response]:
    """Claim a worker's credential with their link (not the one claimed in the browser,
    `first`), then try the link once more."""
    address, token = mail
    claimed = None if address == first else http.post(f"/api/v1/claims/{token}")
    return claimed, http.post(f"/api/v1/claims/{token}")


@pytest.mark.parametrize("lang", list(READERS))
def test_a_provider_issues_a_cohort_whose_mailed_links_claim_their_credentials(
    lang: str,
    app: FastAPI,
    db: Session,
    live_server: LiveServer,
    browser: WebDriver,
    mail_server: SmtpServer,
    tmp_path: Path,
) -> None:
    reader = READERS[lang]
    url = live_server.url
    standard = ready_to_issue(app, db)
    provider = create_provider(db, country=reader.country.value, region=reader.region)
    email = ready_user(db, provider, ProviderRole.provider_staff)
    registrar = create_staff_user(db, Role.registrar)
    upload = tmp_path / "passed.csv"
    upload.write_text(cohort(WORKERS, bad=BAD_ROWS), encoding="utf-8")

    sign_in_form(browser, f"{url}/portal?lang={lang}", account=("email", email), password=PASSWORD)
    curriculum_id = build_curriculum(browser, url, lang, reader, standard)
    approve_in_console(browser, url, lang, reader, registrar, curriculum_id)
    issue_cohort(browser, url, lang, reader, upload)

    received = mail_server.received.messages
    assert len(received) == ISSUED
    rows = worker_rows(db)
    assert sorted(message["To"] for message in received) == sorted(rows)
    tokens: dict[str, str] = {}
    for message in received:
        row = rows[message["To"]]
        number = row.row_number
        language = ROW_LANGUAGES.get(("fr", "", "en")[number % 3], reader.mail_default)
        assert message["Content-Language"] == language.value, number
        assert message["Subject"] == SUBJECTS[language]
        assert row.payload["recipient"]["name"] in message.get_content()
        tokens[message["To"]] = claim_token(message, url)

    # One worker claims in the browser, from the link as mailed.
    first = received[0]["To"]
    browser.get(f"{url}/claim/{tokens[first]}")
    submit(browser, wait_for(browser, "form.claim-form button:not([name])"))
    assert "/my/" in browser.current_url
    assert rows[first].payload["recipient"]["name"] in text_of(browser, "main")

    # The others over HTTP, four at a time; nobody's link works twice.
    with httpx.Client(base_url=url, timeout=30) as http, ThreadPoolExecutor(4) as pool:
        answers = dict(
            zip(
                tokens,
                pool.map(partial(claim_twice, http, first=first), tokens.items()),
                strict=True,
            )
        )
    for address, (claimed, again) in answers.items():
        row = rows[address]
        assert again.status_code == 410, again.text
        assert again.json()["type"].endswith("claim-used")
        if claimed is None:
            continue
        assert claimed.status_code == 200, claimed.text
        body = claimed.json()
        assert body["credential_id"] == row.credential_id
        by_email, by_name = body["credential"]["credentialSubject"]["identifier"]
        assert by_email["identityHash"] == email_identity_hash(address, salt=by_email["salt"])
        assert by_name["identityHash"] == row.payload["recipient"]["name"]
