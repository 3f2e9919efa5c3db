"""A provider's time zone, from its country and its region as written when registered."""

from __future__ import annotations

import pytest

from app.providers.time_zones import provider_time_zone


@pytest.mark.parametrize(
    ("country", "region", "zone"),
    [
        ("MX", "Puebla", "America/Mexico_City"),
        ("MX", "Nuevo León", "America/Monterrey"),
        ("MX", "nuevo leon", "America/Monterrey"),
        ("MX", "Baja California", "America/Tijuana"),
        ("MX", "BCS", "America/Mazatlan"),
        ("MX", "Quintana Roo", "America/Cancun"),
        ("CA", "Québec", "America/Toronto"),
        ("CA", "QC", "America/Toronto"),
        ("CA", "Alberta", "America/Edmonton"),
        ("CA", "British Columbia", "America/Vancouver"),
        ("CA", "Newfoundland and Labrador", "America/St_Johns"),
        ("US", "Ohio", "America/New_York"),
        ("US", "TX", "America/Chicago"),
        ("US", "Arizona", "America/Phoenix"),
        ("US", "California", "America/Los_Angeles"),
        ("US", "Hawaii", "Pacific/Honolulu"),
    ],
)
def test_a_region_names_its_zone(country: str, region: str, zone: str) -> None:
    assert provider_time_zone(country, region) == zone


def test_a_region_we_cannot_place_gets_the_countrys_most_populous_zone() -> None:
    assert provider_time_zone("MX", "Zona Metropolitana") == "America/Mexico_City"
    assert provider_time_zone("US", "") == "America/New_York"
    assert provider_time_zone("CA", "Ontario-ish") == "America/Toronto"
    # Codes belong to their country: BC is British Columbia in Canada only.
    assert provider_time_zone("CA", "BC") == "America/Vancouver"
    assert provider_time_zone("MX", "BC") == "America/Tijuana"
    assert provider_time_zone("ZZ", "Anywhere") == "UTC"
