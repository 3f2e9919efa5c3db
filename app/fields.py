"""Field constraints shared by request schemas: what the database and the signer can take.

- `SignableText`: text that may end up in a signed credential. RDFC-1.0 canonicalization
  refuses control characters other than tab, line feed and carriage return (see
  `app.crypto.rdfc`), so such text is refused where it arrives, naming the field, instead of
  failing later in signing.
- `DB_INT_MAX`, `DbId`: integers the INTEGER columns hold on both engines (PostgreSQL's
  are 32-bit and raise `NumericValueOutOfRange` beyond; SQLite's driver raises
  `OverflowError` beyond 64 bits).
- `Country`, `Language`: the NASSC member countries and the languages the service speaks,
  one type each for the registry, the API, the pages and the message catalogs.
- `IsoDateTime`, `IsoDate`, `StrictBool`: strict parsing, so `2026` is not a date (pydantic
  reads numbers as Unix times) and `0` is not `false`.
- `MAX_JSON_DEPTH`, `json_depth`: how deep a credential or presentation may nest (JSON-LD
  processing and serialization recurse once per level).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Final

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = [
    "CONTROL_CHARACTER_PATTERN",
    "DB_INT_MAX",
    "ISO_8601",
    "SIGNABLE",
    "Country",
    "DbId",
    "IsoDate",
    "IsoDateTime",
    "Language",
    "Signable",
    "SignableText",
    "StrictBool",
    "UtcDateTime",
    "refuse_control_characters",
]


class Country(StrEnum):
    """A NASSC member country (ISO 3166-1 alpha-2)."""

    us = "US"
    mx = "MX"
    ca = "CA"


class Language(StrEnum):
    """A language the service speaks and every label is published in (ISO 639-1)."""

    en = "en"
    es = "es"
    fr = "fr"


DB_INT_MAX: Final = 2**31 - 1
"""The largest value of an INTEGER column on PostgreSQL (every id and version column); SQLite's
hold more, but the API answers the same on both."""

_CONTROL_CHARACTERS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTER_PATTERN: Final = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
"""The JSON Schema `pattern` of text without those control characters (for the OpenAPI)."""


def refuse_control_characters(value: str) -> str:
    """`value`, unless it holds a control character that a signature cannot carry."""
    match = _CONTROL_CHARACTERS.search(value)
    if match is not None:
        raise ValueError(
            f"contains the control character U+{ord(match.group()):04X}; only tab, line feed "
            "and carriage return are allowed"
        )
    return value


class Signable:
    """Annotation: no control character a signature cannot carry (`refuse_control_characters`),
    checked after every constraint before it; the OpenAPI shows it as a `pattern`.

    Put it last: `Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
    SIGNABLE]`. Nested behind a validator (`Annotated[SignableText, StringConstraints(...)]`)
    pydantic checks `min_length` before stripping, so blank text would pass.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            refuse_control_characters, handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = CONTROL_CHARACTER_PATTERN
        return json_schema


SIGNABLE: Final = Signable()
SignableText = Annotated[str, SIGNABLE]
"""A string without the control characters signing refuses (no length limits)."""

DbId = Annotated[int, Ge(1), Le(DB_INT_MAX)]
"""A row id or version: positive and within an INTEGER column (in paths, queries and bodies)."""


_ISO_DATE_START: Final = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_string(value: Any) -> Any:
    # Pydantic's lax mode reads numbers and numeric strings as Unix times ("2026" is
    # 1970-01-01T00:33:46Z), so a filter would silently match everything: ISO 8601 only.
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not _ISO_DATE_START.match(value):
        raise ValueError("must be an ISO 8601 date or date-time string, such as 2026-11-20")
    return value


ISO_8601: Final = BeforeValidator(_iso_string)
"""Add to a date or datetime annotation to refuse anything but an ISO 8601 string."""

IsoDateTime = Annotated[datetime, ISO_8601]
"""An ISO 8601 date-time (a date alone means its midnight); never a number."""


def _assume_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDateTime = Annotated[datetime, ISO_8601, AfterValidator(_assume_utc)]
"""An ISO 8601 date-time for filters: without an offset (or as a date alone) it is UTC."""

IsoDate = Annotated[date, ISO_8601]
"""An ISO 8601 calendar date; never a number."""


MAX_JSON_DEPTH: Final = 32
"""Deeper JSON documents are refused before any processing; no credential needs more."""


def json_depth(value: Any, *, limit: int = MAX_JSON_DEPTH) -> int:
    """The nesting depth of a JSON value, counted without recursion; stops once past
    `limit` (returning a depth above it)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return level
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest
