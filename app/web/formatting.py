"""Locale-aware dates and numbers for pages, from the page language and the reader's country.

The language picks the words; the country picks the conventions. An English page read in
Canada writes dates the Canadian way (`en_CA`), a Spanish page defaults to Mexico (`es_MX`)
and a French page to Canada (`fr_CA`), because those are the NASSC audiences for them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates, localedata, numbers

from app.fields import Language

DateFormat = Literal["short", "medium", "long", "full"]

DEFAULT_LOCALES: Final = {Language.en: "en_US", Language.es: "es_MX", Language.fr: "fr_CA"}
"""The formatting locale of each language when the reader's country is unknown."""


def formatting_locale(language: Language, country: str | None = None) -> str:
    """The Babel locale for `language` read in `country` (`"en"`, `"CA"` → `"en_CA"`).

    Falls back to the language's NASSC default when CLDR has no such combination (there is
    no `fr_US` or `es_CA`), rather than to a neutral locale whose conventions nobody uses.
    """
    if country:
        candidate = f"{language}_{country.upper()}"
        if localedata.exists(candidate):
            return candidate
    return DEFAULT_LOCALES[language]


def format_date(value: date | datetime, *, locale: str, format: DateFormat = "long") -> str:
    """A calendar date in `locale` (`long`: "November 24, 2026", "24 novembre 2026").

    A `datetime` is first converted to UTC, the time zone credentials are stated in, so
    the printed date matches the one in the signed document.
    """
    if isinstance(value, datetime):
        value = _as_utc(value).date()
    return dates.format_date(value, format=format, locale=locale)


def format_datetime(
    value: datetime,
    *,
    locale: str,
    format: DateFormat = "medium",
    timezone: tzinfo = UTC,
) -> str:
    """A date, a short time and the zone in `locale` ("Nov 24, 2026, 3:03 PM UTC").

    Seconds are left out (CLDR's medium time prints "15 h 03 min 00 s" in French Canada)
    and the zone is always named, because a bare time on a verification page is ambiguous.
    UTC is labelled "UTC" in every language: it is the label the credentials use, and CLDR's
    localized name for it changes between releases (French was "TU" before CLDR 47).
    """
    moment = _as_utc(value)
    day = dates.format_date(moment.astimezone(timezone).date(), format=format, locale=locale)
    time = dates.format_time(moment, format="short", tzinfo=timezone, locale=locale)
    zone = _zone_label(moment, timezone=timezone, locale=locale)
    pattern = str(dates.get_datetime_format(format, locale=locale))
    return pattern.replace("{1}", day).replace("{0}", f"{time} {zone}")


@lru_cache(maxsize=64)
def time_zone(name: str) -> tzinfo:
    """The IANA time zone `name` (UTC if this system's time zone data lacks it)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def time_zone_name(name: str, *, locale: str) -> str:
    """What people call the zone `name` in `locale` ("Eastern Time", "hora central")."""
    zone = time_zone(name)
    if zone is UTC:
        return "UTC"
    return str(dates.get_timezone_name(zone, locale=locale))


def _zone_label(moment: datetime, *, timezone: tzinfo, locale: str) -> str:
    if moment.astimezone(timezone).tzname() == "UTC":
        return "UTC"
    return str(dates.format_datetime(moment, format="z", tzinfo=timezone, locale=locale))


def format_number(value: int | float | Decimal, *, locale: str) -> str:
    """A number with the grouping and decimal marks of `locale` ("1,234.5", "1 234,5")."""
    return numbers.format_decimal(value, locale=locale)


def format_percent(value: int | float | Decimal, *, locale: str) -> str:
    """A ratio as a percentage in `locale` (0.25 → "25%", "25 %")."""
    return numbers.format_percent(value, locale=locale)


def format_score(percent: int | float, *, locale: str) -> str:
    """A score out of 100 as a percentage in `locale`, with the decimals it has
    (86.5 → "86.5%", "86,5 %"); read through its decimal text, so 57.3 stays 57.3."""
    ratio = Decimal(str(percent)) / 100
    return numbers.format_percent(ratio, locale=locale, decimal_quantization=False)


def _as_utc(value: datetime) -> datetime:
    # A naive datetime in this service is UTC by convention (`*_at` columns are UTC).
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
