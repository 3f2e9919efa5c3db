"""The console's tables fit a 1280 px screen in English, Spanish and French (Debian's
headless Chromium): the credential list, one credential, the audit log and the dashboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy.orm import Session

from app.auth.roles import Role
from tests.browser import LiveServer, wait_for
from tests.console.helpers import issue
from tests.console.test_console_in_browser import sign_in
from tests.credentials.factories import issuing_setup
from tests.factories import create_staff_user

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

WIDE_TABLES = """
const wide = [];
for (const table of document.querySelectorAll("main table")) {
  if (table.getBoundingClientRect().right > document.documentElement.clientWidth + 1) {
    wide.push(table.querySelector("th") ? table.querySelector("th").textContent : "?");
  }
}
return wide;
"""


@pytest.fixture
def desktop(browser: WebDriver) -> Iterator[WebDriver]:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_console_tables_fit_1280_px(
    api: TestClient, app: FastAPI, db: Session, live_server: LiveServer, desktop: WebDriver
) -> None:
    setup = issuing_setup(api, app, db)
    credential_id = issue(api, setup, name="María Fernanda López Hernández de la Garza")
    username = create_staff_user(db, Role.admin)
    sign_in(desktop, live_server, username)
    for language in ("en", "es", "fr"):
        for path in (
            "/console",
            "/console/credentials",
            f"/console/credentials/{credential_id}",
            "/console/audit",
            "/console/providers",
            f"/console/providers/{setup.provider_id}",
            "/console/standards",
            "/console/users",
            "/console/keys",
        ):
            desktop.get(f"{live_server.url}{path}?lang={language}")
            wait_for(desktop, "main h1")
            assert desktop.execute_script(WIDE_TABLES) == [], (language, path)
            width = desktop.execute_script("return document.documentElement.scrollWidth")
            assert width <= 1280, (language, path, width)
