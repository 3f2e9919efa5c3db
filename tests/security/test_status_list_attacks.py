"""Status-list attacks over HTTP (issue 12): a trusted issuer's list with bad GZIP, a
decompression bomb, too short a list, and a credential pointing past the end of its list.
Each is "could not check" (never "not revoked", never a 5xx). The decoding itself is unit
tested in tests/crypto/test_status_list.py."""

from __future__ import annotations

import base64
import gzip
import json
import time
import zlib
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.crypto.data_integrity import add_proof
from app.crypto.status_list import MAX_LENGTH_BYTES, Bitstring, encode_list
from app.db import utcnow
from app.status.allocation import LIST_SIZE
from app.status.builder import build_list_credential
from app.verification.remote_status import RemoteStatusLists
from tests.verification.factories import (
    Clock,
    FakeFetcher,
    ForeignIssuer,
    add_trusted,
    issued_credential,
    statuses,
    verify,
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _gzip_b64(raw: bytes) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    data = compressor.compress(raw) + compressor.flush()
    return "u" + _b64(data)


ATTACKS: dict[str, str] = {
    "bad-gzip": "u" + _b64(b"\x1f\x8b\x08\x00garbage"),
    "not-multibase": "zNotBase64url",
    "decompression-bomb": _gzip_b64(bytes(MAX_LENGTH_BYTES + 1024)),
    "short-list": _gzip_b64(bytes(1000)),
    "trailing-data": "u" + _b64(gzip.compress(bytes(LIST_SIZE // 8)) + b"extra"),
}


def _signed_list(
    node: ForeignIssuer, url: str, purpose: str, app: FastAPI, encoded: str
) -> dict[str, Any]:
    document = build_list_credential(
        url=url,
        issuer=node.did,
        purpose=purpose,
        encoded_list=encoded,
        valid_from=utcnow(),
        ttl_ms=300_000,
    )
    signed: dict[str, Any] = add_proof(
        document,
        private_key=node.key,
        verification_method=node.method,
        created=utcnow(),
        contexts=app.state.contexts,
    )
    return signed


def _verify_with_lists(
    client: TestClient,
    app: FastAPI,
    issued: dict[str, Any],
    node: ForeignIssuer,
    *,
    encoded: str,
    index: int | None = None,
) -> dict[str, Any]:
    document = node.credential(issued["credential"])
    if index is not None:
        for entry in document["credentialStatus"]:
            entry["statusListIndex"] = str(index)
            entry["id"] = f"{entry['statusListCredential']}#{index}"
    fetcher = FakeFetcher()
    for entry in document["credentialStatus"]:
        url = entry["statusListCredential"]
        listed = _signed_list(node, url, entry["statusPurpose"], app, encoded)
        fetcher.bodies[url] = json.dumps(listed).encode()
    app.state.remote_status_lists = RemoteStatusLists(fetcher, clock=Clock())
    started = time.monotonic()
    body = verify(client, node.sign(document, "di", app.state.contexts))
    assert time.monotonic() - started < 10
    return body


def test_hostile_lists_and_indexes_are_never_a_clean_status(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, issued = issued_credential(client, app, db)
    node = ForeignIssuer("mx.nassc.example")
    add_trusted(client, setup.staff, node)
    clean = _verify_with_lists(client, app, issued, node, encoded=encode_list(Bitstring(LIST_SIZE)))
    assert clean["verified"] is True  # the same credential and list, unharmed

    cases: dict[str, dict[str, Any]] = {name: {"encoded": e} for name, e in ATTACKS.items()}
    cases["index-past-the-end"] = {
        "encoded": encode_list(Bitstring(LIST_SIZE)),
        "index": LIST_SIZE + 5,
    }
    for name, case in cases.items():
        body = _verify_with_lists(client, app, issued, node, **case)
        assert body["verified"] is False, name
        assert statuses(body)["revocation"] in ("unknown", "failed"), name
        assert statuses(body)["proof"] == "passed", name
