"""The employer's pages in headless Chromium, at 1280 and 390 px: the QR code while the
wallet has not answered, in each language, then the result after the simulated wallet
answers (the page reloads itself; no JavaScript)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.orm import Session

from tests.browser import LiveServer
from tests.presentations.factories import page_request, worker_with_wallet
from tests.wallet.factories import answer, jwt_presentation

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

SCAN_HEADINGS = {
    "en": "Scan with the worker's wallet",
    "es": "Escanear con la billetera de la persona trabajadora",
    "fr": "Scanner avec le portefeuille du travailleur",
}


def _fits(browser: WebDriver) -> None:
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow} px wider than the window"


def test_the_request_page_shows_a_qr_code_then_the_result(
    app: FastAPI,
    db: Session,
    live_server: LiveServer,
    browser: WebDriver,
    tmp_path: Path,
) -> None:
    with httpx.Client(base_url=live_server.url) as http:
        client = cast(TestClient, http)
        worker = worker_with_wallet(client, app, db)
        for lang, heading in SCAN_HEADINGS.items():
            asked = page_request(client, db, worker, lang=lang)
            for width, height in ((1280, 900), (390, 844)):
                browser.set_window_size(width, height)
                browser.get(live_server.url + asked.page_url)
                qr = browser.find_element(By.CSS_SELECTOR, "img.wallet-offer__qr")
                assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
                assert qr.size["width"] > 100
                assert browser.find_element(By.ID, "wallet-scan-heading").text == heading
                _fits(browser)
                browser.save_screenshot(str(tmp_path / f"request-{lang}-{width}.png"))
        request = asked.request
        answered = answer(client, request, "nassc_jwt_vc", jwt_presentation(worker.held, request))
        assert answered.status_code == 200, answered.text
    # The waiting page reloads itself and shows the answer.
    verdict = WebDriverWait(browser, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "[data-verdict]"))
    )
    assert verdict.get_attribute("data-verdict") == "verified"
    disclosed = browser.find_element(By.CSS_SELECTOR, "[data-disclosed]").text
    assert "María Fernanda López" in disclosed
    _fits(browser)
    browser.save_screenshot(str(tmp_path / "result-fr-390.png"))
    browser.set_window_size(1280, 900)
    _fits(browser)
