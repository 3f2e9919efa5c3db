"""`PageLanguage` and `PageCountry`: query parameter first, then `Accept-Language`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("query", "accept_language", "expected"),
    [
        ("", None, "en"),
        ("", "es-MX,es;q=0.9", "es"),
        ("", "fr-CA", "fr"),
        ("", "de-DE, fr;q=0.5", "fr"),
        ("?lang=es", "fr-CA", "es"),
        ("?lang=fr-CA", None, "fr"),
        # An unsupported or mangled ?lang= is ignored, not an error.
        ("?lang=de", "es", "es"),
        ("?lang=%3Cscript%3E", None, "en"),
    ],
)
def test_page_language(
    page_client: TestClient, query: str, accept_language: str | None, expected: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = page_client.get(f"/negotiated{query}", headers=headers)
    assert response.status_code == 200
    assert response.json()["language"] == expected


@pytest.mark.parametrize(
    ("query", "accept_language", "expected"),
    [
        ("", None, None),
        ("", "es-MX", "MX"),
        ("", "en-CA,fr-CA;q=0.8", "CA"),
        ("", "en", None),
        ("?country=us", "es-MX", "US"),
        ("?country=CA", None, "CA"),
        ("?country=FR", "es-MX", "MX"),
        ("?country=", None, None),
    ],
)
def test_page_country(
    page_client: TestClient, query: str, accept_language: str | None, expected: str | None
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = page_client.get(f"/negotiated{query}", headers=headers)
    assert response.status_code == 200
    assert response.json()["country"] == expected
