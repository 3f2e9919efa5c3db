"""Claiming a credential in a real browser (Debian's headless Chromium), without JavaScript:
opening the claim link spends nothing, and the button claims it."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.orm import Session

from app.credentials.models import Credential
from tests.browser import LiveServer
from tests.credentials.factories import HOLDER, issue_with_claim_link

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def claimed_at(db: Session, credential_id: str) -> object:
    """When the credential was claimed, as the database holds it now (None: not yet)."""
    db.expire_all()
    credential = db.get(Credential, credential_id)
    assert credential is not None
    return credential.claimed_at


def test_open_the_claim_link_then_press_the_button(
    app: FastAPI, db: Session, live_server: LiveServer, browser: WebDriver
) -> None:
    credential, token = issue_with_claim_link(app, db)
    claim_url = f"{live_server.url}/claim/{token}?lang=es"
    wait = WebDriverWait(browser, 20)

    # Opening the link twice (a prefetch, a reload) leaves it unspent.
    for _ in range(2):
        browser.get(claim_url)
        heading = wait.until(expected_conditions.visibility_of_element_located((By.TAG_NAME, "h1")))
        assert heading.text == "Obtenga su credencial"
    assert browser.find_element(By.CSS_SELECTOR, ".credential-facts__holder").text == HOLDER
    assert claimed_at(db, credential.id) is None

    button = browser.find_element(By.CSS_SELECTOR, "form.claim-form button[type=submit]")
    assert button.text == "Obtener mi credencial"
    button.click()
    wait.until(expected_conditions.url_contains("/my/"))
    assert browser.current_url.endswith("?lang=es")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Su credencial"
    assert claimed_at(db, credential.id) is not None

    # The link is spent now: opening it again says so.
    browser.get(claim_url)
    heading = wait.until(expected_conditions.visibility_of_element_located((By.TAG_NAME, "h1")))
    assert heading.get_attribute("data-reason") == "used"
