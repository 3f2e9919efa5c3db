"""The verification page and the certificate in a real browser (Debian's headless Chromium)."""

from __future__ import annotations

import base64
import re

import pytest
from fastapi import FastAPI
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.orm import Session

from app.credentials.models import Credential
from tests.browser import LiveServer, left_the_page
from tests.credentials.factories import HOLDER, issue_with_claim_link

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def issue_directly(app: FastAPI, db: Session) -> Credential:
    """A credential issued by a registrar for the first seed standard, without HTTP.

    The live server owns the app's lifespan, so the test issues through the service.
    """
    credential, _claim_token = issue_with_claim_link(app, db)
    return credential


def test_verify_page_shows_the_verdict(
    app: FastAPI, db: Session, live_server: LiveServer, browser: WebDriver
) -> None:
    credential = issue_directly(app, db)
    browser.get(f"{live_server.url}/verify/{credential.id}?lang=es")
    verdict = WebDriverWait(browser, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "[data-verdict]"))
    )
    assert verdict.tag_name == "h1"
    assert verdict.get_attribute("data-verdict") == "verified"
    assert verdict.text.endswith("Verificada")
    assert browser.title.startswith("Verificada")
    # The stylesheet loaded under the page's CSP: the verdict is drawn as a verdict.
    assert verdict.value_of_css_property("border-left-style") == "solid"
    holder = browser.find_element(By.CSS_SELECTOR, ".credential-facts__holder")
    assert holder.text == HOLDER
    # Switching country is a plain link.
    browser.find_element(By.LINK_TEXT, "Canadá").click()
    WebDriverWait(browser, 20).until(expected_conditions.url_contains("country=CA"))
    groups = browser.find_elements(By.CSS_SELECTOR, "section.country-group h3")
    assert [group.text for group in groups] == ["Canadá"]


def test_verify_form_works_without_javascript(
    app: FastAPI, db: Session, live_server: LiveServer, browser: WebDriver
) -> None:
    credential = issue_directly(app, db)
    browser.get(f"{live_server.url}/verify?lang=fr")
    # Pasted, as a user would: typing a 3 kB token key by key takes Selenium half a minute.
    field = browser.find_element(By.ID, "verify-credential")
    browser.execute_script("arguments[0].value = arguments[1]", field, credential.jwt)
    browser.find_element(By.CSS_SELECTOR, "form.verify-form button[type=submit]").click()
    verdict = WebDriverWait(browser, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "[data-verdict]"))
    )
    assert verdict.get_attribute("data-verdict") == "verified"
    assert verdict.text.endswith("Vérifiée")


@pytest.mark.parametrize(
    ("first", "then", "word"),
    [
        ("fr", "Español", "Verificada"),
        ("es", "English", "Verified"),
        ("en", "Français", "Vérifiée"),
    ],
)
def test_language_switch_after_a_pasted_verification_keeps_the_result(
    app: FastAPI,
    db: Session,
    live_server: LiveServer,
    browser: WebDriver,
    first: str,
    then: str,
    word: str,
) -> None:
    credential = issue_directly(app, db)
    browser.get(f"{live_server.url}/verify?lang={first}")
    field = browser.find_element(By.ID, "verify-credential")
    browser.execute_script("arguments[0].value = arguments[1]", field, credential.jwt)
    browser.find_element(By.CSS_SELECTOR, "form.verify-form button[type=submit]").click()
    WebDriverWait(browser, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "[data-verdict]"))
    )
    switcher = browser.find_element(By.CSS_SELECTOR, ".language-switcher")
    button = switcher.find_element(By.XPATH, f".//button[normalize-space()='{then}']")
    button.click()
    # Wait for the old page to go first: read mid-navigation, its <html> can turn stale.
    WebDriverWait(browser, 20).until(left_the_page(button))
    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda driver: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != first
    )
    verdict = WebDriverWait(browser, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "[data-verdict]"))
    )
    assert verdict.get_attribute("data-verdict") == "verified"
    assert verdict.text.endswith(word)
    assert browser.find_element(By.CSS_SELECTOR, ".credential-facts__holder").text == HOLDER


def test_certificate_has_its_qr_code_and_prints_on_one_page(
    app: FastAPI, db: Session, live_server: LiveServer, browser: WebDriver
) -> None:
    credential = issue_directly(app, db)
    browser.get(f"{live_server.url}/verify/{credential.id}/certificate")
    image = WebDriverWait(browser, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "img.certificate__qr"))
    )
    assert str(image.get_attribute("src")).startswith("data:image/svg+xml")
    assert image.get_attribute("alt")
    natural_width = image.get_property("naturalWidth")
    assert isinstance(natural_width, int) and natural_width > 0
    assert browser.find_element(By.CSS_SELECTOR, ".certificate__holder").text == HOLDER

    printed = browser.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False}
    )
    pdf = base64.b64decode(printed["data"])
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    assert len(pages) == 1
    width, height = (
        float(n) for n in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)[0]
    )
    assert width > height, "the certificate prints in landscape"
