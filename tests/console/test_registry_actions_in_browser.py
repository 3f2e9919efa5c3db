"""The registry's action forms in Debian's headless Chromium, in English, Spanish and
French: an administrator changes a provider's accreditation, makes an API client (its
secret shown once), invites someone to the provider's portal, publishes a draft standard,
makes a staff account and a new signing key, by typing and clicking as a person would;
the pages fit 1280 px and 390 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.fields import Language
from tests.browser import LiveServer, submit, wait_for
from tests.console.actions_helpers import notice, words
from tests.console.test_console_in_browser import sign_in
from tests.credentials.factories import issuing_setup
from tests.factories import create_staff_user, staff_headers
from tests.standards.factories import seed_document

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

WIDTHS = (1280, 390)


def at_width(browser: WebDriver, width: int) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def shown_notice(browser: WebDriver) -> str:
    return words(browser.find_element(By.CSS_SELECTOR, ".console-notice").text)


def fits(browser: WebDriver, width: int, name: str, folder: Path) -> None:
    """The page has no sideways scroll at `width`; a full-length screenshot is kept."""
    scroll = browser.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width, (name, width, scroll)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    browser.save_screenshot(str(folder / f"{name}-{width}.png"))
    at_width(browser, width)


def test_an_admin_acts_on_the_registry_in_each_language(
    browser: WebDriver, live_server: LiveServer, app: FastAPI, db: Session, tmp_path: Path
) -> None:
    # Not the `client` fixture: the live server runs the app's lifespan.
    api = TestClient(app)
    setup = issuing_setup(api, app, db)
    writer = staff_headers(api, db, Role.admin)
    for language in Language:
        draft = {**seed_document(app.state.settings), "status": "draft"}
        draft["code"] = f"NASSC-BROWSER-{language.value.upper()}"
        assert api.post("/api/v1/admin/standards", headers=writer, json=draft).status_code == 201
    sign_in(browser, live_server, create_staff_user(db, Role.admin))
    console = f"{live_server.url}/console"
    try:
        for language in Language:
            lang = language.value
            at_width(browser, 1280)
            browser.get(f"{console}/providers/{setup.provider_id}?lang={lang}")
            Select(wait_for(browser, "#accreditation-status")).select_by_value("suspended")
            browser.find_element(By.ID, "accreditation-reason").send_keys("Site visit overdue")
            submit(browser, browser.find_element(By.ID, "accreditation-submit"))
            assert shown_notice(browser) == notice(lang, "accreditation")

            browser.find_element(By.ID, "new-client-name").send_keys(f"LMS {lang}")
            submit(browser, browser.find_element(By.ID, "new-client-submit"))
            assert len(browser.find_element(By.ID, "shown-secret").text) > 30
            for width in WIDTHS:
                at_width(browser, width)
                fits(browser, width, f"provider-{lang}", tmp_path)

            at_width(browser, 1280)
            browser.find_element(By.ID, "invite-name").send_keys("Lucía Ramírez")
            browser.find_element(By.ID, "invite-email").send_keys(f"lucia.{lang}@tec.example")
            Select(browser.find_element(By.ID, "invite-language")).select_by_value("es")
            submit(browser, browser.find_element(By.ID, "invite-submit"))
            assert shown_notice(browser) == notice(lang, "invited")
            link = browser.find_element(By.ID, "shown-secret").text
            assert "/portal/invitations/" in link
            for width in WIDTHS:
                at_width(browser, width)
                fits(browser, width, f"invite-{lang}", tmp_path)

            at_width(browser, 1280)
            browser.get(f"{console}/standards/NASSC-BROWSER-{lang.upper()}/1?lang={lang}")
            wait_for(browser, "#publish-confirm").click()
            submit(browser, browser.find_element(By.ID, "publish-submit"))
            assert shown_notice(browser) == notice(lang, "published")
            for width in WIDTHS:
                at_width(browser, width)
                fits(browser, width, f"standard-{lang}", tmp_path)

            at_width(browser, 1280)
            browser.get(f"{console}/users?lang={lang}")
            wait_for(browser, "#new-user-username").send_keys(f"browser-{lang}")
            browser.find_element(By.ID, "new-user-password").send_keys("a-browser-password")
            Select(browser.find_element(By.ID, "new-user-role")).select_by_value("registrar")
            submit(browser, browser.find_element(By.ID, "new-user-submit"))
            assert shown_notice(browser) == notice(lang, "user-created")
            for width in WIDTHS:
                at_width(browser, width)
                fits(browser, width, f"user-{lang}", tmp_path)

            at_width(browser, 1280)
            browser.get(f"{console}/keys?lang={lang}")
            Select(wait_for(browser, "#rotate-algorithm")).select_by_value("ES256")
            submit(browser, browser.find_element(By.ID, "rotate-submit"))
            assert shown_notice(browser) == notice(lang, "rotated")
            for width in WIDTHS:
                at_width(browser, width)
                fits(browser, width, f"keys-{lang}", tmp_path)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        api.close()
