"""The OpenAPI documentation renders in a real browser (Debian's headless Chromium)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser import LiveServer

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def test_openapi_docs_render(live_server: LiveServer, browser: WebDriver) -> None:
    browser.get(f"{live_server.url}/openapi.json")
    assert "/api/v1/credentials" in browser.page_source
    # Swagger UI's scripts come from a CDN this machine cannot reach; the page itself is ours.
    browser.get(f"{live_server.url}/docs")
    WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((By.ID, "swagger-ui"))
    )
    assert browser.title == "NASSC Credentials - Swagger UI"
