""" "What it means in your country": each occupation code with its official title, the units
each equivalent credential covers, and what partial recognition or gap training means; the
classification named as the page's language names it (en, es, fr)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.fields import Language
from app.web.i18n import gettext
from tests.verification.factories import issued_credential
from tests.web.helpers import Node, assert_page

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

LANGUAGES: tuple[Language, ...] = tuple(Language)
PARTIAL = (
    "The national credential covers only the units listed beside it. For the rest, "
    "the holder of one must still show the other's competencies."
)
CANADA_SYSTEM: dict[str, str] = {"en": "NOC 2021", "es": "NOC 2021", "fr": "CNP 2021"}


def group(page: Node, country: str) -> Node:
    [found] = [
        section
        for section in page.find_all("section", class_="country-group")
        if str(section.attrs["aria-labelledby"]).endswith(f"-{country}")
    ]
    return found


def words(text: str) -> str:
    return " ".join(text.split())


def test_codes_have_official_titles_and_equivalents_their_units(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    occupations = setup.standard.occupations
    equivalents = [item for item in setup.standard.equivalents if item.country.value == "US"]
    assert equivalents and any(item.unit_codes for item in equivalents)
    for language in LANGUAGES:
        page = assert_page(
            client.get(f"/verify/{issued['id']}", params={"lang": language, "country": "all"})
        )
        us, canada = group(page, "US"), group(page, "CA")
        titles = [span.text for span in us.find_all("span", class_="official-title")]
        expected = [
            f"“{item.soc_2018.official_title}”"
            for item in occupations
            if item.soc_2018.official_title
        ]
        assert titles == expected
        assert CANADA_SYSTEM[language] in canada.find("caption").text
        tables = us.find_all("table")
        rows = tables[-1].find("tbody").find_all("tr")
        covered = [[code.text for code in row.find_all("td")[-1].find_all("code")] for row in rows]
        assert covered == [list(item.unit_codes) for item in equivalents]
        terms = us.find("dl", class_="recognition-terms")
        if any(item.recognition_type.value == "partial" for item in equivalents):
            assert words(gettext(language, PARTIAL)) in words(terms.text)
            assert gettext(language, "Partial recognition") in [
                dt.text for dt in terms.find_all("dt")
            ]


def test_equivalent_titles_in_the_page_language_or_marked_with_their_own(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    us = [item for item in setup.standard.equivalents if item.country.value == "US"]
    assert us and all(item.title_language is Language.en for item in us)
    for language in LANGUAGES:
        page = assert_page(
            client.get(f"/verify/{issued['id']}", params={"lang": language, "country": "all"})
        )
        rows = group(page, "US").find_all("table")[-1].find("tbody").find_all("tr")
        cells = [row.find("th") for row in rows]
        shown = [(cell.find_all("a") or cell.find_all("span"))[0] for cell in cells]
        assert [(title.text, title.attrs.get("lang")) for title in shown] == [
            (item.title, None if language is Language.en else "en") for item in us
        ]
