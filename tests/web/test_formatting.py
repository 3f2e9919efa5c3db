"""Dates and numbers in the conventions of each language and country."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.fields import Language
from app.web.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    formatting_locale,
)

NOV_24 = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("en", None, "en_US"),
        ("es", None, "es_MX"),
        ("fr", None, "fr_CA"),
        ("en", "US", "en_US"),
        ("en", "CA", "en_CA"),
        ("en", "ca", "en_CA"),
        ("es", "US", "es_US"),
        ("es", "MX", "es_MX"),
        # CLDR has no English for Mexico, Spanish for Canada or French for the US.
        ("en", "MX", "en_US"),
        ("es", "CA", "es_MX"),
        ("fr", "US", "fr_CA"),
        ("fr", "MX", "fr_CA"),
    ],
)
def test_formatting_locale(language: Language, country: str | None, expected: str) -> None:
    assert formatting_locale(language, country) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_US", "November 24, 2026"),
        ("en_CA", "November 24, 2026"),
        ("es_MX", "24 de noviembre de 2026"),
        ("fr_CA", "24 novembre 2026"),
    ],
)
def test_long_dates(locale: str, expected: str) -> None:
    assert format_date(NOV_24, locale=locale) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_US", "11/24/26"),
        ("en_CA", "2026-11-24"),
        ("es_MX", "24/11/26"),
        ("fr_CA", "2026-11-24"),
    ],
)
def test_short_dates(locale: str, expected: str) -> None:
    assert format_date(NOV_24, locale=locale, format="short") == expected


def test_a_datetime_is_dated_in_utc() -> None:
    # 23:30 in Mexico City on the 23rd is already the 24th in UTC, the credential's zone.
    evening = datetime(2026, 11, 23, 23, 30, tzinfo=timezone(timedelta(hours=-6)))
    assert format_date(evening, locale="es_MX") == "24 de noviembre de 2026"
    assert format_date(datetime(2026, 11, 24, 12), locale="en_US") == "November 24, 2026"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_US", "Nov 24, 2026, 3:03\u202fPM UTC"),
        ("es_MX", "24 nov 2026, 3:03\u202fp.m. UTC"),
        ("fr_CA", "24 nov. 2026, 15 h 03 UTC"),
    ],
)
def test_datetimes_name_their_zone_and_omit_seconds(locale: str, expected: str) -> None:
    moment = datetime(2026, 11, 24, 15, 3, 59, tzinfo=UTC)
    assert format_datetime(moment, locale=locale) == expected


@pytest.mark.parametrize("zone", [UTC, ZoneInfo("UTC"), ZoneInfo("Etc/UTC")])
@pytest.mark.parametrize("locale", ["en_US", "es_MX", "fr_CA"])
def test_utc_is_labelled_utc_in_every_language(zone: tzinfo, locale: str) -> None:
    # Our label, not CLDR's: French CLDR data said "TU" before release 47, "UTC" after.
    moment = datetime(2026, 11, 24, 15, 3, tzinfo=UTC)
    assert format_datetime(moment, locale=locale, timezone=zone).endswith(" UTC")


def test_other_zones_are_named_by_the_locale() -> None:
    moment = datetime(2026, 11, 24, 15, 3, tzinfo=UTC)
    label = format_datetime(moment, locale="es_MX", timezone=ZoneInfo("America/Mexico_City"))
    assert label.startswith("24 nov 2026, 9:03")
    assert not label.endswith(" UTC")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en_US", "1,234.5"), ("es_MX", "1,234.5"), ("fr_CA", "1\u00a0234,5")],
)
def test_numbers(locale: str, expected: str) -> None:
    assert format_number(Decimal("1234.5"), locale=locale) == expected


def test_percentages() -> None:
    assert format_percent(0.25, locale="en_US") == "25%"
    assert format_percent(0.25, locale="fr_CA") == "25\u00a0%"
