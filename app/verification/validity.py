"""The validity check: is `now` within the credential's validity period (and its JWT's)?

https://www.w3.org/TR/vc-data-model-2.0/#validity-period — `validFrom` / `validUntil` are
XML Schema dateTimeStamps; a vc+jwt's `nbf` / `exp` (RFC 7519 §4.1.4–4.1.5) count too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.verification.checks import Check, CheckName, Code
from app.verification.dates import parse_datetime, parse_numeric_date


def check_validity(
    document: Mapping[str, Any], *, now: datetime, jwt_claims: Mapping[str, Any] | None = None
) -> Check:
    """Whether `now` lies within the credential's `validFrom` … `validUntil`.

    With `jwt_claims` (the payload of the JWS the credential came in) also within its
    `nbf` … `exp` when present (RFC 7519 §4.1.4–4.1.5): the JWS check reads no clock and
    leaves them to this one.
    """
    if jwt_claims is not None:
        failed = _check_jwt_validity(jwt_claims, now=now)
        if failed is not None:
            return failed
    raw_from, raw_until = document.get("validFrom"), document.get("validUntil")
    valid_from, valid_until = parse_datetime(raw_from), parse_datetime(raw_until)
    if ("validFrom" in document and valid_from is None) or (
        "validUntil" in document and valid_until is None
    ):
        return Check.failed(
            CheckName.validity,
            Code.malformed_date,
            "validFrom / validUntil must be XML Schema dateTimeStamps with a timezone.",
        )
    if valid_from is not None and valid_until is not None and valid_from > valid_until:
        return Check.failed(
            CheckName.validity, Code.malformed_date, "validFrom is after validUntil."
        )
    if valid_from is not None and now < valid_from:
        return Check.failed(CheckName.validity, Code.not_yet_valid, f"Not valid until {raw_from}.")
    if valid_until is not None and now > valid_until:
        return Check.failed(CheckName.validity, Code.expired, f"Expired on {raw_until}.")
    until = f" until {raw_until}" if raw_until else " with no end date"
    since = f" from {raw_from}" if raw_from else ""
    return Check.passed(CheckName.validity, Code.within_validity, f"Valid{since}{until}.")


def _check_jwt_validity(claims: Mapping[str, Any], *, now: datetime) -> Check | None:
    """The failed validity check for a JWT's `nbf` / `exp`, or None when they allow `now`."""
    not_before, expires = (
        parse_numeric_date(claims.get("nbf")),
        parse_numeric_date(claims.get("exp")),
    )
    if ("nbf" in claims and not_before is None) or ("exp" in claims and expires is None):
        return Check.failed(
            CheckName.validity, Code.malformed_date, "nbf / exp must be JWT NumericDates."
        )
    if not_before is not None and now < not_before:
        return Check.failed(
            CheckName.validity,
            Code.not_yet_valid,
            f"Not valid until {not_before.isoformat()} (nbf).",
        )
    if expires is not None and now >= expires:
        return Check.failed(
            CheckName.validity, Code.expired, f"Expired on {expires.isoformat()} (exp)."
        )
    return None
