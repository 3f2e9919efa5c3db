"""A pasted SD-JWT VC on /verify in headless Chromium, at 1280 and 390 px: the verdict, what
the holder chose to show and, in words, what they withheld; the page fits a phone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.orm import Session

from app.crypto import sd_jwt
from app.db import utcnow
from app.keys import service as keys_service
from tests.browser import LiveServer
from tests.credentials.factories import HOLDER, issue_with_claim_link
from tests.wallet.factories import holder_key, wallet_copy

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

WITHHELD = {
    "en": "The holder chose not to show:",
    "es": "La persona titular decidió no mostrar:",
    "fr": "Le titulaire a choisi de ne pas montrer :",
}
NAME = {"en": "Name", "es": "Nombre", "fr": "Nom"}


def _fits(browser: WebDriver) -> None:
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow} px wider than the window"


def test_a_pasted_sd_jwt_vc_shows_what_was_disclosed_and_withheld(
    app: FastAPI, db: Session, live_server: LiveServer, browser: WebDriver, tmp_path: Path
) -> None:
    credential, _ = issue_with_claim_link(app, db)
    keys_service.ensure_keys(db, store=app.state.key_store, now=utcnow())
    db.commit()
    holder = holder_key()
    serialized = wallet_copy(app, db, credential, holder)
    presented = sd_jwt.bind(
        sd_jwt.present(serialized, lambda d: d.name == "name"),
        private_key=holder,
        audience="https://employer.example",
        nonce="n-1",
        issued_at=int(time.time()),
    )
    for lang in ("en", "es", "fr"):
        for width, height in ((1280, 900), (390, 844)):
            browser.set_window_size(width, height)
            browser.get(f"{live_server.url}/verify?lang={lang}")
            box = browser.find_element(By.ID, "verify-credential")
            # Pasted at once (typing 2 KB key by key is slow and no person does it).
            browser.execute_script("arguments[0].value = arguments[1];", box, presented)
            box.submit()
            verdict = WebDriverWait(browser, 20).until(
                expected_conditions.visibility_of_element_located(
                    (By.CSS_SELECTOR, "[data-verdict]")
                )
            )
            assert verdict.get_attribute("data-verdict") == "verified"
            section = browser.find_element(By.CSS_SELECTOR, "section.disclosure")
            assert section.is_displayed()
            shown = section.find_element(By.CSS_SELECTOR, "dl.disclosure__shown").text
            assert shown.splitlines() == [NAME[lang], HOLDER]
            withheld = section.find_element(By.CSS_SELECTOR, ".disclosure__withheld").text
            assert withheld.replace("\u00a0", " ").startswith(WITHHELD[lang])
            _fits(browser)
            browser.execute_script("arguments[0].scrollIntoView();", section)
            browser.save_screenshot(str(tmp_path / f"sd-jwt-vc-{lang}-{width}.png"))
