"""Reading credential dates: XMLSchema `dateTimeStamp` values, which must carry a timezone,
and the JWT `NumericDate`s of a vc+jwt's `nbf` / `exp`.

https://www.w3.org/TR/vc-data-model-2.0/#validity-period — `validFrom` / `validUntil` are
`dateTimeStamp`s (https://www.w3.org/TR/xmlschema11-2/#dateTimeStamp).
https://www.rfc-editor.org/rfc/rfc7519#section-2 — a NumericDate is a JSON number of seconds
since 1970-01-01T00:00:00Z.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from app.crypto.data_integrity import is_xsd_datetime


def parse_datetime(value: Any) -> datetime | None:
    """The UTC datetime of a `dateTimeStamp` string; None when absent, malformed or naive."""
    return _parse_datetime(value) if isinstance(value, str) else None


@lru_cache(maxsize=1024)  # a verification reads the same few dates several times
def _parse_datetime(value: str) -> datetime | None:
    if not is_xsd_datetime(value):
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


def parse_numeric_date(value: Any) -> datetime | None:
    """The UTC datetime of a JWT NumericDate; None when not a finite number in range."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
