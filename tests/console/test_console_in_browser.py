"""The console's two main flows in a real browser (Debian's headless Chromium) against the
running app: reviewing a curriculum, and revoking a credential."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.credentials.models import Credential
from app.curricula.models import Curriculum
from tests.browser import WAIT_SECONDS, LiveServer, left_the_page, sign_in_form, submit, wait_for
from tests.console.helpers import issue, submit_gapped_curriculum
from tests.credentials.factories import issuing_setup
from tests.factories import PASSWORD, create_staff_user
from tests.status.factories import set_bits

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def sign_in(browser: WebDriver, server: LiveServer, username: str) -> None:
    """Open the console, get sent to the sign-in form, and sign in."""
    sign_in_form(
        browser, f"{server.url}/console", account=("username", username), password=PASSWORD
    )
    assert browser.find_element(By.CSS_SELECTOR, "main h1").text == "Dashboard"


def open_nav(browser: WebDriver, label: str) -> None:
    """Follow a link of the console navigation."""
    link = browser.find_element(By.LINK_TEXT, label)
    link.click()
    WebDriverWait(browser, WAIT_SECONDS).until(left_the_page(link))
    wait_for(browser, "main h1")


def status_of(db: Session, record: Curriculum | Credential) -> str:
    """The status stored now (what the live server committed)."""
    db.refresh(record)
    return record.status


def test_review_a_curriculum_in_the_browser(
    api: TestClient, app: FastAPI, db: Session, live_server: LiveServer, browser: WebDriver
) -> None:
    setup = issuing_setup(api, app, db)
    gapped = submit_gapped_curriculum(api, setup, db)
    username = create_staff_user(db, Role.registrar)

    sign_in(browser, live_server, username)
    open_nav(browser, "Curricula")
    curriculum = db.get(Curriculum, gapped.id)
    assert curriculum is not None
    link = browser.find_element(By.LINK_TEXT, curriculum.title)
    assert link.get_attribute("href") == f"{live_server.url}/console/curricula/{gapped.id}?lang=en"
    link.click()
    approve = wait_for(browser, "button#approve")

    # Approving a curriculum with a gap shows the gap, not an error page.
    submit(browser, approve)
    problem = wait_for(browser, ".console-problem")
    assert "cannot be approved" in problem.text
    gaps = browser.find_element(By.CSS_SELECTOR, "table.console-gaps").text
    assert gapped.outcome_code in gaps
    assert "Learning outcome only partially covered" in gaps
    assert status_of(db, curriculum) == "submitted"

    # The provider closes the gap through its API; the second approval goes through.
    fixed = api.put(
        f"/api/v1/provider/curricula/{gapped.id}",
        headers=gapped.provider,
        json=gapped.complete_body,
    )
    assert fixed.status_code == 200, fixed.text
    submit(browser, browser.find_element(By.ID, "approve"))
    notice = wait_for(browser, ".console-notice")
    assert notice.text == "The curriculum has been approved."
    assert "Approved" in browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert browser.find_elements(By.ID, "approve") == []
    assert status_of(db, curriculum) == "approved"


def test_revoke_a_credential_in_the_browser(
    api: TestClient, app: FastAPI, db: Session, live_server: LiveServer, browser: WebDriver
) -> None:
    setup = issuing_setup(api, app, db)
    credential_id = issue(api, setup)
    issue(api, setup, name="Jean Tremblay")
    username = create_staff_user(db, Role.registrar)
    credential = db.get(Credential, credential_id)
    assert credential is not None
    list_id, index = credential.revocation_list_id, credential.revocation_index

    sign_in(browser, live_server, username)
    open_nav(browser, "Credentials")
    browser.find_element(By.ID, "standard_code").send_keys(setup.standard.code)
    browser.find_element(By.ID, "status").send_keys("Active")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.console-filters button"))
    results = wait_for(browser, "#credential-results-heading")
    assert results.text == "2 credentials found"
    link = browser.find_element(By.CSS_SELECTOR, f"a[href*='{credential_id}']")
    link.click()
    WebDriverWait(browser, WAIT_SECONDS).until(left_the_page(link))

    wait_for(browser, "input#revoke-reason").send_keys("Assessment found to be fraudulent")
    browser.find_element(By.ID, "revoke-confirm").click()
    submit(browser, browser.find_element(By.ID, "revoke"))
    assert wait_for(browser, ".console-notice").text == (
        "The credential has been revoked and its status list signed again."
    )
    assert browser.find_element(By.ID, "credential-status").text == "Revoked"
    assert browser.find_elements(By.ID, "revoke") == []
    assert status_of(db, credential) == "revoked"

    # The public status list, fetched by the browser, has the credential's bit set.
    browser.get(f"{live_server.url}/status/{list_id}")
    published = json.loads(wait_for(browser, "body").text)
    assert index in set_bits(published["credentialSubject"]["encodedList"])
