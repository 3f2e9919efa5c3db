"""The CSV form of a report table, and choosing it from the `Accept` header.

CSV follows RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma,
quote or line break. Numbers are written as in the JSON form, so both carry the same
figures. A text cell that a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`,
tab or carriage return) is prefixed with `'`, because provider names are user input
(OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

from pydantic import BaseModel

CSV_MEDIA_TYPE = "text/csv"
JSON_MEDIA_TYPE = "application/json"
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _quality(accept: str, media_type: str) -> float:
    """The q-value `accept` gives `media_type`: from its most specific matching range."""
    kind = media_type.split("/", 1)[0]
    best_specificity, quality = -1, 0.0
    for item in accept.split(","):
        range_, *parameters = (part.strip() for part in item.split(";"))
        range_ = range_.lower()
        if range_ == media_type:
            specificity = 2
        elif range_ == f"{kind}/*":
            specificity = 1
        elif range_ == "*/*":
            specificity = 0
        else:
            continue
        value = 1.0
        for parameter in parameters:
            name, _, raw = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    value = float(raw)
                except ValueError:
                    value = 0.0
        if specificity > best_specificity:
            best_specificity, quality = specificity, value
    return quality


def wants_csv(accept: str | None) -> bool:
    """Whether `Accept` prefers `text/csv` to JSON; JSON wins ties and is the default."""
    if not accept:
        return False
    return _quality(accept, CSV_MEDIA_TYPE) > max(0.0, _quality(accept, JSON_MEDIA_TYPE))


def cell(value: object) -> str:
    """One CSV field: empty for null, ISO 8601 UTC for times, `true`/`false` for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date | int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def to_csv(rows: Sequence[BaseModel], row_type: type[BaseModel]) -> str:
    """The rows as an RFC 4180 document whose header is `row_type`'s field names."""
    columns = list(row_type.model_fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(getattr(row, column)) for column in columns])
    return buffer.getvalue()
