"""A forgotten portal password in headless Chromium, in French: from the sign-in page to the
mailed link (received by the local SMTP server), a new password, and signing in with it."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.orm import Session

from app.config import Settings
from tests.browser import WAIT_SECONDS, LiveServer, sign_in_form, spaced, submit, wait_for
from tests.factories import create_provider
from tests.portal.helpers import ready_user
from tests.portal.smtp_server import SmtpServer

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
NEW_PASSWORD = "un-tout-nouveau-mot-de-passe"


@pytest.fixture
def settings(live_mail_settings: Settings) -> Settings:
    """The mailed link points at the live server (`live_server`)."""
    return live_mail_settings


def test_a_provider_user_resets_a_forgotten_password_in_the_browser(
    db: Session, live_server: LiveServer, browser: WebDriver, mail_server: SmtpServer
) -> None:
    email = ready_user(db, create_provider(db, country="CA"))
    mail_server.received.messages.clear()
    browser.get(f"{live_server.url}/portal/login?lang=fr")
    submit(browser, wait_for(browser, "a#forgot-password"))
    assert spaced(wait_for(browser, "main h1").text) == "Mot de passe oublié ?"
    wait_for(browser, "input#email").send_keys(email)
    submit(browser, browser.find_element(By.ID, "send-reset-link"))
    assert "Si un compte utilise cette adresse" in wait_for(browser, ".console-notice").text

    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda _: mail_server.received.messages, "the reset mail to arrive"
    )
    [message] = mail_server.received.messages
    [link] = re.findall(r"http://127\.0\.0\.1:\d+/\S+", message.get_content())
    browser.get(link)
    wait_for(browser, "input#password").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "confirmation").send_keys(NEW_PASSWORD)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.console-form button"))
    assert "done=password-reset" in browser.current_url
    assert wait_for(browser, ".console-notice").text

    sign_in_form(
        browser,
        f"{live_server.url}/portal?lang=en",
        account=("email", email),
        password=NEW_PASSWORD,
    )
    assert browser.current_url.startswith(f"{live_server.url}/portal?")
    assert browser.find_elements(By.CSS_SELECTOR, "form[action*='/portal/logout']")
