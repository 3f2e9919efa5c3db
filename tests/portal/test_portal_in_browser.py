"""The portal in headless Chromium, at 1280 and 390 px, in English, Spanish and French: a
provider admin signs in, uploads a CSV with a bad row, sees the preview's problem, issues
the rest and watches the batch page refresh itself to 100% (no JavaScript)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.orm import Session

from app.providers.models import TrainingProvider
from tests.browser import WAIT_SECONDS, LiveServer, attribute_becomes, submit, wait_for
from tests.credentials.factories import issuing_setup
from tests.factories import PASSWORD
from tests.portal.helpers import ready_user
from tests.portal.test_issuing import cohort

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
SIZES = ((1280, 900), (390, 844))
HEADINGS = {
    "en": "Issue credentials",
    "es": "Emitir credenciales",
    "fr": "Délivrer des attestations",
}


def fits(browser: WebDriver) -> None:
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow} px wider than the window"


def shoot(browser: WebDriver, folder: Path, name: str) -> None:
    for width, height in SIZES:
        browser.set_window_size(width, height)
        fits(browser)
        browser.save_screenshot(str(folder / f"{name}-{width}.png"))
    browser.set_window_size(*SIZES[0])


def test_a_provider_admin_issues_a_cohort_in_the_browser(
    api: TestClient,
    app: FastAPI,
    db: Session,
    live_server: LiveServer,
    browser: WebDriver,
    tmp_path: Path,
) -> None:
    setup = issuing_setup(api, app, db)
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    email = ready_user(db, provider)
    upload_file = tmp_path / "passed.csv"
    upload_file.write_text(cohort(8, bad={3: "Sin Correo,not-an-email,2026-11-20,80,es\n"}))

    browser.set_window_size(*SIZES[0])
    browser.get(f"{live_server.url}/portal?lang=es")
    wait_for(browser, "input#email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    shoot(browser, tmp_path, "login-es")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.console-form button"))
    shoot(browser, tmp_path, "dashboard-es")

    for lang, heading in HEADINGS.items():
        browser.get(f"{live_server.url}/portal/issue?lang={lang}")
        assert wait_for(browser, "main h1").text == heading
        shoot(browser, tmp_path, f"issue-{lang}")

    browser.get(f"{live_server.url}/portal/issue?lang=fr")
    wait_for(browser, "input#upload").send_keys(str(upload_file))
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.console-form button"))
    summary = wait_for(browser, "#preview-summary").text
    assert "7 lignes peuvent être délivrées" in summary
    problem_row = browser.find_elements(By.CSS_SELECTOR, "#preview-rows tbody tr")[2]
    assert "Colonne email" in problem_row.text
    shoot(browser, tmp_path, "preview-fr")

    confirm = browser.find_element(
        By.CSS_SELECTOR, "form[action*='/issue/confirm'] button[type=submit]"
    )
    submit(browser, confirm)
    WebDriverWait(browser, WAIT_SECONDS).until(attribute_becomes("#progress", "value", "100"))
    figures = browser.find_element(By.ID, "batch-figures").text
    assert figures.replace("\u00a0", " ") == "Lignes : 8. Délivrées : 7. Non délivrées : 1."
    shoot(browser, tmp_path, "batch-fr")
    for lang in ("en", "es"):
        browser.get(browser.current_url.replace("lang=fr", f"lang={lang}"))
        wait_for(browser, "#progress")
        shoot(browser, tmp_path, f"batch-{lang}")
