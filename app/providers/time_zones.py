"""The time zone a provider's people read times in, from its country and region (pure).

A provider has no time zone setting: its region (a state or province, as written when it
was registered: "Puebla", "Québec", "QC", "British Columbia") names one for nearly every
provider. A region we cannot place gets the zone most of the country's people live in.
Regions split between zones get the zone of most of their people.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from app.fields import Country

COUNTRY_ZONES: Final = {
    Country.us: "America/New_York",
    Country.mx: "America/Mexico_City",
    Country.ca: "America/Toronto",
}
"""The zone of a provider whose region we cannot place."""

_US: Final = {
    "America/New_York": (
        "CT Connecticut, DE Delaware, DC District of Columbia, FL Florida, GA Georgia, "
        "IN Indiana, KY Kentucky, ME Maine, MD Maryland, MA Massachusetts, MI Michigan, "
        "NH New Hampshire, NJ New Jersey, NY New York, NC North Carolina, OH Ohio, "
        "PA Pennsylvania, RI Rhode Island, SC South Carolina, VT Vermont, VA Virginia, "
        "WV West Virginia"
    ),
    "America/Chicago": (
        "AL Alabama, AR Arkansas, IL Illinois, IA Iowa, KS Kansas, LA Louisiana, "
        "MN Minnesota, MS Mississippi, MO Missouri, NE Nebraska, ND North Dakota, "
        "OK Oklahoma, SD South Dakota, TN Tennessee, TX Texas, WI Wisconsin"
    ),
    "America/Denver": "CO Colorado, ID Idaho, MT Montana, NM New Mexico, UT Utah, WY Wyoming",
    "America/Phoenix": "AZ Arizona",
    "America/Los_Angeles": "CA California, NV Nevada, OR Oregon, WA Washington",
    "America/Anchorage": "AK Alaska",
    "Pacific/Honolulu": "HI Hawaii",
    "America/Puerto_Rico": "PR Puerto Rico",
}
_MX: Final = {
    "America/Tijuana": "BC Baja California",
    "America/Mazatlan": "BCS Baja California Sur, NAY Nayarit, SIN Sinaloa",
    "America/Hermosillo": "SON Sonora",
    "America/Chihuahua": "CHH Chihuahua",
    "America/Monterrey": "COA Coahuila, NLE Nuevo León, TAM Tamaulipas",
    "America/Cancun": "ROO Quintana Roo",
}
_CA: Final = {
    "America/Vancouver": "BC British Columbia",
    "America/Edmonton": "AB Alberta, NT Northwest Territories",
    "America/Regina": "SK Saskatchewan",
    "America/Winnipeg": "MB Manitoba",
    "America/Toronto": "ON Ontario, QC Québec",
    "America/Halifax": "NB New Brunswick, NS Nova Scotia, PE Prince Edward Island",
    "America/St_Johns": "NL Newfoundland and Labrador",
    "America/Whitehorse": "YT Yukon",
    "America/Iqaluit": "NU Nunavut",
}


def _key(text: str) -> str:
    """A region's name or code as compared: no accents, case or punctuation."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in plain.casefold()).split())


def _by_region(zones: dict[str, str]) -> dict[str, str]:
    """Each region's code and name (as keys) to its zone."""
    found: dict[str, str] = {}
    for zone, regions in zones.items():
        for region in regions.split(", "):
            code, _, name = region.partition(" ")
            found[_key(code)] = found[_key(name)] = zone
    return found


_REGIONS: Final = {
    Country.us: _by_region(_US),
    Country.mx: _by_region(_MX),
    Country.ca: _by_region(_CA),
}


def provider_time_zone(country: str, region: str) -> str:
    """The IANA time zone of a provider in `region` of `country` (the country's most
    populous zone when the region is not one we can place)."""
    try:
        known = Country(country)
    except ValueError:
        return "UTC"
    return _REGIONS[known].get(_key(region), COUNTRY_ZONES[known])
