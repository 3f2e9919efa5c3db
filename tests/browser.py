"""A live server on 127.0.0.1 and Debian's headless Chromium driven by Selenium, for page tests.

Outside CI the browser tests skip (saying why) when Chromium or ChromeDriver is missing;
under `CI=true` they fail instead, because CI must run them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.faults.servers import free_port

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
WAIT_SECONDS = 30
"""How long a page test waits for a condition before it fails."""


def left_the_page(element: WebElement) -> Callable[[object], bool]:
    """A wait condition: the page that held `element` was replaced (after a click).

    Like Selenium's `staleness_of`, but mid-navigation Chromium may report the old node as
    "Node with given id does not belong to the document" rather than as stale.
    """

    def gone(_driver: object) -> bool:
        try:
            element.is_enabled()
        except WebDriverException as error:
            if _replaced(error):
                return True
            raise
        return False

    return gone


def wait_for(browser: WebDriver, css: str) -> WebElement:
    """The element matching `css` once it is on the page."""
    located = WebDriverWait(browser, WAIT_SECONDS).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )
    assert isinstance(located, WebElement)
    return located


def submit(browser: WebDriver, button: WebElement) -> None:
    """Press a form's button (or follow a link) and wait for the page it leads to."""
    button.click()
    WebDriverWait(browser, WAIT_SECONDS).until(left_the_page(button))
    wait_for(browser, "main h1")


def sign_in_form(browser: WebDriver, url: str, *, account: tuple[str, str], password: str) -> None:
    """Open `url` (the console or the portal, which send a stranger to their sign-in form),
    type `account` (the field's id and the value) and `password`, and sign in."""
    field, value = account
    browser.get(url)
    wait_for(browser, f"input#{field}").send_keys(value)
    browser.find_element(By.ID, "password").send_keys(password)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.console-form button"))


def _replaced(error: WebDriverException) -> bool:
    """Whether `error` says the node read belongs to a page that has since been replaced."""
    return isinstance(error, StaleElementReferenceException | NoSuchElementException) or (
        "does not belong to the document" in str(error)
    )


def attribute_becomes(css: str, attribute: str, value: str) -> Callable[[WebDriver], bool]:
    """A wait condition: the element at `css` has `attribute` equal to `value`.

    For a page that refreshes itself (a batch's progress): between finding the element and
    reading it the page may be replaced, which counts as "not yet", not as a failure.
    """
    return _reads(css, lambda element: element.get_attribute(attribute) == value)


def text_becomes(css: str, text: str) -> Callable[[WebDriver], bool]:
    """A wait condition: the element at `css` reads `text` (no-break spaces read as spaces),
    on a page that may be replaced meanwhile, as `attribute_becomes`."""
    return _reads(css, lambda element: spaced(element.text) == text)


def spaced(text: str) -> str:
    """`text` with no-break spaces (French puts them before colons) as plain ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _reads(css: str, check: Callable[[WebElement], bool]) -> Callable[[WebDriver], bool]:
    def holds(driver: WebDriver) -> bool:
        try:
            return check(driver.find_element(By.CSS_SELECTOR, css))
        except WebDriverException as error:
            if _replaced(error):
                return False
            raise

    return holds


class LiveServer:
    """The app served by Uvicorn in a thread, on a loopback port (a free one by default;
    choose it when the app's settings must know its address, as its public base URL)."""

    def __init__(self, app: FastAPI, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    """The test app on a real socket."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    """A client for building data through the API beside a live server (which runs the
    app's lifespan, so this client does not)."""
    client = TestClient(app)
    yield client
    client.close()


def _missing_browser() -> str | None:
    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            return f"{program} is not installed (make browser installs Debian's packages)"
    return None


class _Chromium:
    """One headless Chromium per test process, relaunched if a test left it unusable."""

    def __init__(self) -> None:
        self._driver: webdriver.Chrome | None = None
        self._profile: str | None = None

    def driver(self) -> webdriver.Chrome:
        if self._driver is not None and not self._alive(self._driver):
            self.quit()
        if self._driver is None:
            self._driver = self._launch()
        return self._driver

    def _launch(self) -> webdriver.Chrome:
        options = Options()
        options.binary_location = shutil.which("chromium") or "chromium"
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        self._profile = tempfile.mkdtemp(prefix="nassc-chromium-")
        options.add_argument(f"--user-data-dir={self._profile}")
        service = Service(executable_path=shutil.which("chromedriver") or "chromedriver")
        driver = webdriver.Chrome(options=options, service=service)
        driver.set_page_load_timeout(30)
        return driver

    @staticmethod
    def _alive(driver: webdriver.Chrome) -> bool:
        try:
            driver.execute_script("return 1")
        except WebDriverException:
            return False
        return True

    def reset(self) -> None:
        """Forget what the last test did: its cookies (every port of 127.0.0.1 shares them),
        storage, extra windows and page."""
        driver = self._driver
        if driver is None:
            return
        try:
            for handle in driver.window_handles[1:]:
                driver.switch_to.window(handle)
                driver.close()
            driver.switch_to.window(driver.window_handles[0])
            driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
            driver.execute_cdp_cmd("Network.clearBrowserCache", {})
            driver.get("about:blank")
        except WebDriverException:
            self.quit()

    def quit(self) -> None:
        if self._driver is not None:
            with contextlib.suppress(WebDriverException):
                self._driver.quit()
            self._driver = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None


@pytest.fixture(scope="session")
def _chromium() -> Iterator[_Chromium]:
    missing = _missing_browser()
    if missing is not None:
        if IN_CI:
            pytest.fail(missing + " (CI=true requires the browser tests to run)")
        pytest.skip(missing)
    chromium = _Chromium()
    yield chromium
    chromium.quit()


@pytest.fixture
def browser(_chromium: _Chromium) -> Iterator[webdriver.Chrome]:
    """Headless Chromium (Debian's), driven through Debian's ChromeDriver; no downloads.

    Started once per test process (it takes a second or two) and reset after each test.
    """
    yield _chromium.driver()
    _chromium.reset()
