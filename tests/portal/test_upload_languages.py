"""The language of each worker's claim-link mail: their row's `language`, else the one
their provider's region speaks (pure, no database)."""

from __future__ import annotations

import pytest

from app.fields import Language
from app.portal.issuing import default_language, split_languages


@pytest.mark.parametrize(
    ("country", "region", "language"),
    [
        ("MX", "Puebla", Language.es),
        ("US", "Ohio", Language.en),
        ("CA", "Alberta", Language.en),
        ("CA", "Québec", Language.fr),
        ("CA", "QC", Language.fr),
        ("ZZ", "", Language.en),
    ],
)
def test_a_row_without_language_is_mailed_in_the_providers_region_language(
    country: str, region: str, language: Language
) -> None:
    assert default_language(country, region) is language


def test_the_language_column_is_read_and_taken_out_of_the_upload() -> None:
    upload = split_languages(
        b"name,email,completed_on,language\n"
        b"Ana,ana@example.com,2026-11-20,FR\n"
        b"Ben,ben@example.com,2026-11-20,\n"
        b"Cy,cy@example.com,2026-11-20,de\n"
    )
    assert upload.languages == {1: Language.fr}
    assert upload.bad_languages == {3}
    assert upload.csv_bytes.decode().splitlines()[0] == "name,email,completed_on"
