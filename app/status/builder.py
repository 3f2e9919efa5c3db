"""Pure builders for Bitstring Status List documents: entries and the list credential.

https://www.w3.org/TR/vc-bitstring-status-list/ — `BitstringStatusListEntry` (§2.1) goes in
each issued credential's `credentialStatus`; the `BitstringStatusListCredential` (§2.2) is
what `statusListCredential` dereferences to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.crypto.status_list import ENTRY_TYPE, LIST_CREDENTIAL_TYPE, LIST_TYPE
from app.crypto.vcdm import VCDM_V2_CONTEXT


def list_url(base_url: str, list_id: int) -> str:
    """The URL a status list is published at, also its credential's `id`."""
    return f"{base_url}/status/{list_id}"


def status_entry(*, base_url: str, list_id: int, index: int, purpose: str) -> dict[str, str]:
    """A `BitstringStatusListEntry`; `statusListIndex` is a base-10 string, as §2.1 requires.

    The entry's `id` is the list URL plus the index as a fragment: unique per entry and, as
    the spec requires, not the list URL itself.
    """
    url = list_url(base_url, list_id)
    return {
        "id": f"{url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def xsd_datetime(moment: datetime) -> str:
    """A UTC XMLSchema dateTime with `Z` and no fractions (`2026-01-02T03:04:05Z`)."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_list_credential(
    *,
    url: str,
    issuer: str,
    purpose: str,
    encoded_list: str,
    valid_from: datetime,
    ttl_ms: int,
) -> dict[str, Any]:
    """The unsigned `BitstringStatusListCredential` of one list (§2.2).

    Every term used is defined by the VCDM 2.0 base context, so no status-list context is
    needed. `ttl` is in milliseconds.
    """
    return {
        "@context": [VCDM_V2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": LIST_TYPE,
            "statusPurpose": purpose,
            "encodedList": encoded_list,
            "ttl": ttl_ms,
        },
    }


@dataclass(frozen=True, slots=True)
class SecuredList:
    """A serialized list (credential or Status List Token) and how long it may be cached."""

    body: bytes
    ttl_seconds: int

    @property
    def etag(self) -> str:
        """A strong entity tag: the quoted SHA-256 of the exact bytes served."""
        return '"' + hashlib.sha256(self.body).hexdigest() + '"'
