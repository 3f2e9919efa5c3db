"""Reading credential dates: XMLSchema `dateTimeStamp` values, which must carry a timezone.

https://www.w3.org/TR/vc-data-model-2.0/#validity-period — `validFrom` / `validUntil` are
`dateTimeStamp`s (https://www.w3.org/TR/xmlschema11-2/#dateTimeStamp).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.crypto.data_integrity import is_xsd_datetime


def parse_datetime(value: Any) -> datetime | None:
    """The UTC datetime of a `dateTimeStamp` string; None when absent, malformed or naive."""
    if not isinstance(value, str) or not is_xsd_datetime(value):
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)
