"""Helpers for the portal's curriculum tests: the form fields of a curriculum body (the
provider API's JSON), posting them as a browser would, and typing them into the form in
a real browser."""

from __future__ import annotations

from typing import Any

import httpx2
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from app.fields import Country, Language
from app.standards.schemas import StandardRead
from tests.curricula.factories import complete_curriculum_body
from tests.portal.helpers import PORTAL, session_csrf

CURRICULA = f"{PORTAL}/curricula"


def form_fields(body: dict[str, Any]) -> dict[str, str]:
    """The portal form's fields holding the curriculum `body` (no action, no token)."""
    fields = {"title": str(body["title"])}
    for number, module in enumerate(body["modules"], start=1):
        prefix = f"module-{number}-"
        for name in (
            "code",
            "title",
            "theory_hours",
            "practice_hours",
            "work_based_hours",
            "modality",
            "language",
        ):
            fields[prefix + name] = str(module[name])
        for mapping in module["outcomes"]:
            fields[f"{prefix}outcome-{mapping['outcome_code']}"] = str(mapping["coverage"])
    return fields


def gapped_body(standard: StandardRead, country: Country = Country.mx) -> dict[str, Any]:
    """A curriculum for a provider in `country` with gaps of several kinds: its first
    outcome taught only in part, its second not at all, too few hours (and work-based hours
    where the country asks for some), and its second module taught online in a language the
    country does not allow."""
    body = complete_curriculum_body(standard, country)
    profile = standard.delivery_profile_for(country)
    assert profile is not None
    first = body["modules"][0]
    first["outcomes"][0]["coverage"] = "partial"
    del first["outcomes"][1]
    first["work_based_hours"] = 0
    first["practice_hours"] = 10
    [foreign, *_] = [code for code in Language if code not in profile.languages]
    body["modules"][1]["language"] = foreign.value
    body["modules"][1]["modality"] = "online"
    return body


def post_curriculum(
    client: TestClient,
    path: str,
    fields: dict[str, str],
    *,
    action: str,
    lang: str = "en",
    token: str | None = None,
) -> httpx2.Response:
    """Post the curriculum form at `path` (under /portal/curricula) with `action`."""
    csrf = token if token is not None else session_csrf(client, CURRICULA)
    return client.post(
        f"{CURRICULA}{path}?lang={lang}",
        data={**fields, "action": action, "csrf_token": csrf},
        follow_redirects=False,
    )


def type_into(browser: WebDriver, field_id: str, value: object) -> None:
    """Type `value` over what a text field holds."""
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(str(value))


def choose(browser: WebDriver, field_id: str, value: str) -> None:
    """Pick the option of `value` in a drop-down, as a click on it (two round trips to the
    browser where Selenium's `Select` takes one per option)."""
    browser.find_element(By.CSS_SELECTOR, f"select#{field_id} option[value='{value}']").click()


def open_outcomes(browser: WebDriver, number: int) -> None:
    """Open the outcomes of module `number` (a closed `<details>`)."""
    details = browser.find_element(By.CSS_SELECTOR, f"#module-{number} details")
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()


def fill_module(browser: WebDriver, number: int, module: dict[str, Any]) -> None:
    """Type one module of a curriculum body (the API's JSON) into the form."""
    for name in ("code", "title", "theory_hours", "practice_hours", "work_based_hours"):
        type_into(browser, f"module-{number}-{name}", module[name])
    choose(browser, f"module-{number}-modality", module["modality"])
    choose(browser, f"module-{number}-language", module["language"])
    open_outcomes(browser, number)
    for mapping in module["outcomes"]:
        choose(browser, f"module-{number}-outcome-{mapping['outcome_code']}", mapping["coverage"])


def gap_texts(browser: WebDriver) -> list[str]:
    """The gaps the coverage report lists, as read."""
    return [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#gaps li")]


def fix_gaps(browser: WebDriver, complete: dict[str, Any]) -> None:
    """Type over the gaps of `gapped_body` the values of the `complete` body it came from:
    the first module's hours and outcomes, the second module's language and modality."""
    fixed_first, fixed_second = complete["modules"][0], complete["modules"][1]
    for name in ("theory_hours", "practice_hours", "work_based_hours"):
        type_into(browser, f"module-1-{name}", fixed_first[name])
    open_outcomes(browser, 1)
    for mapping in fixed_first["outcomes"]:
        choose(browser, f"module-1-outcome-{mapping['outcome_code']}", "full")
    choose(browser, "module-2-language", fixed_second["language"])
    choose(browser, "module-2-modality", fixed_second["modality"])
