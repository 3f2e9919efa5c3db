"""Before/after summaries of audit events: JSON-safe, bounded, and free of secrets and emails.

An audit log is read by more people than the data it describes, and it is append-only, so
a secret or a worker's email written into it could never be taken back. Every summary
passes through `redact` before it is hashed and stored:

- a member whose name mentions a secret (password, secret, token, hash, salt, private key,
  passphrase, authorization, proof value) or an email is replaced by `"[redacted]"`;
- any string that contains an email address is replaced by `"[redacted]"`;
- values become what both engines return unchanged from a JSON column, so the stored
  summary hashes to the same bytes it was hashed from: datetimes become UTC ISO strings
  with `Z`, enums their value, floats and other objects their `str()`; NUL characters
  (refused by PostgreSQL's `jsonb`) and unpaired surrogates are replaced;
- strings are cut at 500 characters, lists at 100 items, nesting at 8 levels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from app.audit.chain import format_timestamp

REDACTED = "[redacted]"
MAX_STRING = 500
MAX_ITEMS = 100
MAX_DEPTH = 8

_SECRET_NAME_PARTS = (
    "password",
    "passphrase",
    "secret",
    "token",
    "hash",
    "salt",
    "private",
    "authorization",
    "proofvalue",
    "apikey",
    "email",
    "mail",
)
_EMAIL = re.compile(r"[^\s@<>\"',;:]+@[^\s@<>\"',;:]+\.[A-Za-z0-9-]{2,}")


def is_sensitive_name(name: str) -> bool:
    """Whether a member named `name` may hold a secret or an email address."""
    squashed = name.lower().replace("_", "").replace("-", "")
    return any(part in squashed for part in _SECRET_NAME_PARTS)


def contains_email(value: str) -> bool:
    """Whether `value` contains something shaped like an email address."""
    return _EMAIL.search(value) is not None


def pick(obj: object, *names: str) -> dict[str, Any]:
    """The named attributes of `obj` (e.g. an ORM row) as a summary dict, for `before` /
    `after`; `record` redacts it like any other summary."""
    return {name: getattr(obj, name) for name in names}


def redact(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A JSON-safe copy of `values` without secrets or email addresses (see the module doc)."""
    if values is None:
        return None
    return _mapping(values, depth=0)


def _mapping(values: Mapping[Any, Any], *, depth: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for index, (key, value) in enumerate(values.items()):
        if index >= MAX_ITEMS:
            break
        name = _string(str(key.value if isinstance(key, Enum) else key))
        result[name] = REDACTED if is_sensitive_name(name) else _value(value, depth=depth + 1)
    return result


def _value(value: Any, *, depth: int) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        text = _string(value)
        return REDACTED if contains_email(text) else text
    if depth >= MAX_DEPTH:
        return REDACTED
    if isinstance(value, Mapping):
        return _mapping(value, depth=depth)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_value(item, depth=depth + 1) for item in list(items)[:MAX_ITEMS]]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    # Floats, decimals and anything else: a string, because PostgreSQL's jsonb re-writes
    # numbers like 1e16 and would hand back other bytes than the ones that were hashed.
    return _value(str(value), depth=depth)


def _string(value: str) -> str:
    cleaned = value.replace("\x00", "\ufffd")[:MAX_STRING]
    return cleaned.encode("utf-8", "replace").decode("utf-8")
