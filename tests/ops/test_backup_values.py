"""Encoding column values for a backup line, and decoding them by the column's type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Column

from app.audit.models import AuditEvent
from app.credentials.models import Credential
from app.ops.backup_values import decode_value, encode_value
from app.ops.errors import BackupError
from app.providers.models import ApiClient
from app.status.models import StatusList


def column(model: Any, name: str) -> Column[Any]:
    table_column: Column[Any] = model.__table__.c[name]
    return table_column


def test_times_are_utc_with_microseconds_and_z() -> None:
    mexico = timezone(timedelta(hours=-6))
    assert encode_value(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05.000000Z"
    assert encode_value(datetime(2026, 1, 1, 22, 0, 0, 7, tzinfo=mexico)) == (
        "2026-01-02T04:00:00.000007Z"
    )
    decoded = decode_value(column(Credential, "issued_at"), "2026-01-02T04:00:00.000007Z")
    assert decoded == datetime(2026, 1, 2, 4, 0, 0, 7, tzinfo=UTC)


def test_bytes_are_base64() -> None:
    key = bytes(range(32))
    encoded = encode_value(key)
    assert encoded == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    assert decode_value(column(StatusList, "permutation_key"), encoded) == key


def test_json_documents_and_plain_values_pass_through() -> None:
    document = {"b": [1, 2.5, None], "a": {"ñ": True}}
    assert encode_value(document) is document
    assert decode_value(column(AuditEvent, "summary"), document) is document
    assert decode_value(column(ApiClient, "is_active"), False) is False
    assert decode_value(column(Credential, "revocation_index"), 7) == 7
    assert decode_value(column(Credential, "valid_until"), None) is None


@pytest.mark.parametrize("value", [datetime(2026, 1, 1), float("nan"), float("inf"), {1, 2}])
def test_values_that_cannot_be_encoded(value: object) -> None:
    with pytest.raises(BackupError, match="cannot encode"):
        encode_value(value)


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (Credential, "issued_at", "2026-01-02T03:04:05"),
        (Credential, "issued_at", "yesterdayZ"),
        (Credential, "issued_at", 1767322000),
        (StatusList, "permutation_key", "not base64!"),
        (ApiClient, "is_active", 1),
        (Credential, "revocation_index", True),
        (Credential, "revocation_index", "7"),
        (Credential, "subject_name", 7),
    ],
)
def test_values_of_the_wrong_type_are_refused(model: Any, name: str, value: object) -> None:
    with pytest.raises(BackupError, match=f"^{name}: .* is not a valid"):
        decode_value(column(model, name), value)
