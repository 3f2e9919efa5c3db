"""The truthful pages in a real browser (Debian's headless Chromium), in en, es and fr:
the printed certificate of a credential that is not valid carries its standing inside
the frame, and the pages fit a 390 px phone with the holder before the checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy.orm import Session

from app.auth.roles import Principal, Role
from app.credentials.models import Credential
from app.credentials.signing import current_signer
from app.db import utcnow
from app.fields import Language
from app.status import service as status_service
from app.status.schemas import StatusAction
from app.web.i18n import gettext
from tests.browser import LiveServer
from tests.credentials.factories import HOLDER, issue_with_claim_link

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

LANGUAGES: tuple[Language, ...] = tuple(Language)
PHONE_WIDTH, PHONE_HEIGHT = 390, 844


def revoked_credential(app: FastAPI, db: Session) -> Credential:
    """A credential issued, then revoked, through the services (the live server owns the app)."""
    credential, _ = issue_with_claim_link(app, db)
    settings = app.state.settings
    status_service.change_credential_status(
        db,
        credential_id=credential.id,
        action=StatusAction.revoke,
        reason="Issued in error",
        signer=current_signer(
            db, settings=settings, cache=app.state.key_cache, contexts=app.state.contexts
        ),
        base_url=settings.public_base_url,
        now=utcnow(),
        actor=Principal(subject="admin-1", role=Role.admin, name="Admin"),
    )
    db.commit()
    return credential


@pytest.fixture
def printing(browser: WebDriver) -> Iterator[WebDriver]:
    """The browser laying pages out for print (as its Print command does)."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    yield browser
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_printed_certificate_of_a_revoked_credential_has_the_watermark_in_the_frame(
    app: FastAPI, db: Session, live_server: LiveServer, printing: WebDriver
) -> None:
    credential = revoked_credential(app, db)
    for language in LANGUAGES:
        printing.get(f"{live_server.url}/verify/{credential.id}/certificate?lang={language}")
        frame = WebDriverWait(printing, 20).until(
            expected_conditions.presence_of_element_located(
                (By.CSS_SELECTOR, "article.certificate")
            )
        )
        mark = frame.find_element(By.CSS_SELECTOR, ".certificate__watermark")
        assert mark.is_displayed()
        assert mark.text.casefold() == gettext(language, "Revoked").casefold()
        assert 0 < float(mark.value_of_css_property("opacity")) < 0.5
        outer, inner = frame.rect, mark.rect
        assert outer["x"] <= inner["x"] and outer["y"] <= inner["y"]
        assert inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        assert inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
        # What sticks out of the frame once turned is clipped with it, never printed beside.
        assert frame.value_of_css_property("overflow") == "hidden"
        words = mark.find_element(By.TAG_NAME, "span").rect
        middle = (words["x"] + words["width"] / 2, words["y"] + words["height"] / 2)
        assert outer["x"] < middle[0] < outer["x"] + outer["width"]
        assert outer["y"] < middle[1] < outer["y"] + outer["height"]


@pytest.fixture
def phone(browser: WebDriver) -> Iterator[WebDriver]:
    """The browser as a 390 px wide phone (an iPhone 12 to 15's CSS width)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE_WIDTH, "height": PHONE_HEIGHT, "deviceScaleFactor": 1, "mobile": True},
    )
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


CLIPPED_TABLES = """
const clipped = [];
for (const table of document.querySelectorAll("table")) {
  const box = table.getBoundingClientRect();
  if (box.right > document.documentElement.clientWidth + 1) {
    clipped.push(table.outerHTML.slice(0, 80));
  }
}
return clipped;
"""
"""Tables wider than the screen: on a phone every table stacks its rows instead."""


def test_pages_fit_a_phone(
    app: FastAPI, db: Session, live_server: LiveServer, phone: WebDriver
) -> None:
    """At 390 px nothing overflows sideways, and the holder shows before the checks."""
    credential, token = issue_with_claim_link(app, db)
    for language in LANGUAGES:
        for path in (
            f"/?lang={language}",
            f"/verify/{credential.id}?lang={language}&country=all",
            f"/verify?lang={language}",
            f"/claim/{token}?lang={language}",
            f"/standards?lang={language}",
        ):
            phone.get(f"{live_server.url}{path}")
            WebDriverWait(phone, 20).until(
                expected_conditions.presence_of_element_located((By.TAG_NAME, "footer"))
            )
            width = phone.execute_script("return document.documentElement.scrollWidth")
            assert width <= PHONE_WIDTH, (path, width)
            assert phone.execute_script(CLIPPED_TABLES) == [], path
        phone.get(f"{live_server.url}/verify/{credential.id}?lang={language}")
        holder = phone.find_element(By.CSS_SELECTOR, ".summary-card__holder")
        checks = phone.find_element(By.CSS_SELECTOR, "section.checks")
        assert holder.text == HOLDER
        assert holder.rect["y"] + holder.rect["height"] <= PHONE_HEIGHT
        assert holder.rect["y"] < checks.rect["y"]
