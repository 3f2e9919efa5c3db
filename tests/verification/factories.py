"""Factories for verification tests: issued credentials, re-signed variants, foreign issuers."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.credentials.signing import current_signer
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import add_proof
from app.crypto.jose import sign_vc_jwt
from app.crypto.multikey import (
    did_key_from_public_key,
    did_key_verification_method,
    generate_private_key,
    public_key_to_multibase,
)
from app.crypto.status_list import Bitstring, encode_list
from app.db import utcnow
from app.status.allocation import LIST_SIZE
from app.status.builder import build_list_credential
from app.verification.remote_status import FetchError, FetchResponse
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup

CREDENTIALS = "/api/v1/credentials"
VERIFY = "/api/v1/verify"
FORMS = ("jwt", "di")
"""Both securing mechanisms: compact vc+jwt and Data Integrity (eddsa-rdfc-2022)."""
ALL_CHECKS = ("proof", "issuer", "validity", "revocation", "suspension", "schema")


def issue(client: TestClient, setup: IssuingSetup, **extra: Any) -> dict[str, Any]:
    """A credential issued over the API: `{"id", "credential", "jwt", …}`."""
    response = client.post(
        CREDENTIALS, headers=setup.provider, json=issue_body(setup.curriculum_id, **extra)
    )
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


def issued_credential(
    client: TestClient, app: FastAPI, db: Session, **extra: Any
) -> tuple[IssuingSetup, dict[str, Any]]:
    """A provider set-up and one credential issued by it."""
    setup = issuing_setup(client, app, db)
    return setup, issue(client, setup, **extra)


def form_of(issued: dict[str, Any], form: str) -> dict[str, Any] | str:
    """The credential in one securing mechanism: the Data Integrity document or the JWS."""
    credential: dict[str, Any] | str = issued["jwt"] if form == "jwt" else issued["credential"]
    return credential


def verify(client: TestClient, credential: dict[str, Any] | str, **params: str) -> dict[str, Any]:
    """POST /api/v1/verify with `{"credential": …}`; asserts 200 and returns the body."""
    response = client.post(VERIFY, json={"credential": credential}, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def statuses(body: dict[str, Any]) -> dict[str, str]:
    """Each check's status by name."""
    return {check["name"]: check["status"] for check in body["checks"]}


def codes(body: dict[str, Any]) -> dict[str, str]:
    """Each check's code by name."""
    return {check["name"]: check["code"] for check in body["checks"]}


def unsigned(credential: dict[str, Any]) -> dict[str, Any]:
    """A copy of a credential without its proof."""
    return {key: copy.deepcopy(value) for key, value in credential.items() if key != "proof"}


def resigned(
    app: FastAPI, db: Session, document: dict[str, Any], form: str
) -> dict[str, Any] | str:
    """`document` (unsigned) secured by this service's active key, in `form`."""
    signer = current_signer(
        db, settings=app.state.settings, cache=app.state.key_cache, contexts=app.state.contexts
    )
    if form == "jwt":
        return signer.vc_jwt(document)
    return signer.data_integrity(document, created=utcnow())


@dataclass
class ForeignIssuer:
    """Another national node: a did:web with its own Ed25519 key, signing its own credentials."""

    host: str
    key: Ed25519PrivateKey = field(default_factory=generate_private_key)

    @property
    def did(self) -> str:
        return f"did:web:{self.host}"

    @property
    def method(self) -> str:
        return f"{self.did}#key-1"

    def did_document(self) -> dict[str, Any]:
        """Its DID document: one Multikey for assertionMethod."""
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did,
            "verificationMethod": [
                {
                    "id": self.method,
                    "type": "Multikey",
                    "controller": self.did,
                    "publicKeyMultibase": public_key_to_multibase(self.key.public_key()),
                }
            ],
            "assertionMethod": [self.method],
        }

    def sign(
        self, document: dict[str, Any], form: str, contexts: PinnedContexts
    ) -> dict[str, Any] | str:
        """`document` secured with this issuer's key, in `form`."""
        if form == "jwt":
            return sign_vc_jwt(document, private_key=self.key, kid=self.method)
        return add_proof(
            document,
            private_key=self.key,
            verification_method=self.method,
            created=utcnow(),
            contexts=contexts,
        )

    def credential(self, template: dict[str, Any]) -> dict[str, Any]:
        """Our credential's content re-issued as this issuer, with status lists on its host."""
        document = unsigned(template)
        document["issuer"] = {"id": self.did, "type": ["Profile"], "name": "Nodo NASSC México"}
        for index, entry in enumerate(document["credentialStatus"]):
            entry["statusListCredential"] = f"https://{self.host}/status/{index + 1}"
            entry["id"] = f"https://{self.host}/status/{index + 1}#{entry['statusListIndex']}"
        return document

    def status_list(
        self, url: str, purpose: str, contexts: PinnedContexts, *, set_index: int | None = None
    ) -> dict[str, Any]:
        """A signed BitstringStatusListCredential of this issuer."""
        bits = Bitstring(LIST_SIZE)
        if set_index is not None:
            bits.set(set_index)
        document = build_list_credential(
            url=url,
            issuer=self.did,
            purpose=purpose,
            encoded_list=encode_list(bits),
            valid_from=utcnow(),
            ttl_ms=300_000,
        )
        return add_proof(
            document,
            private_key=self.key,
            verification_method=self.method,
            created=utcnow(),
            contexts=contexts,
        )


def add_trusted(
    client: TestClient, staff: dict[str, str], issuer: ForeignIssuer, *, country: str = "MX"
) -> dict[str, Any]:
    """Add a foreign issuer to the trust registry over the API."""
    response = client.post(
        "/api/v1/admin/trusted-issuers",
        headers=staff,
        json={
            "did": issuer.did,
            "name": "NASSC México",
            "country": country,
            "did_document": issuer.did_document(),
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class FakeFetcher:
    """A `ListFetcher` serving prepared bodies, or failing like an unreachable host."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    unreachable: bool = False
    calls: list[tuple[str, str | None]] = field(default_factory=list)

    def fetch(self, url: str, *, etag: str | None) -> FetchResponse:
        self.calls.append((url, etag))
        if self.unreachable or url not in self.bodies:
            raise FetchError("connection refused")
        current = self.etags.get(url)
        if etag is not None and etag == current:
            return FetchResponse(status=304, etag=current)
        return FetchResponse(status=200, body=self.bodies[url], etag=current)


@dataclass
class Clock:
    """A settable clock for caches."""

    now: datetime = field(default_factory=utcnow)

    def __call__(self) -> datetime:
        return self.now


VC_V2 = "https://www.w3.org/ns/credentials/v2"


def enveloped(jwt: str) -> dict[str, Any]:
    """A vc+jwt inside a presentation (VCDM 2.0 EnvelopedVerifiableCredential)."""
    return {
        "@context": [VC_V2],
        "id": f"data:application/vc+jwt,{jwt}",
        "type": "EnvelopedVerifiableCredential",
    }


def presentation(*credentials: dict[str, Any], holder: str | None = None) -> dict[str, Any]:
    """An unsigned VerifiablePresentation."""
    document: dict[str, Any] = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
    }
    if holder is not None:
        document["holder"] = holder
    return document


def signed_by_did_key(app: FastAPI, *credentials: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A presentation of `credentials` with a holder proof by a new did:key, and the holder."""
    key = generate_private_key()
    holder = did_key_from_public_key(key.public_key())
    signed = add_proof(
        presentation(*credentials, holder=holder),
        private_key=key,
        verification_method=did_key_verification_method(key.public_key()),
        created=utcnow(),
        contexts=app.state.contexts,
        proof_purpose="authentication",
    )
    return signed, holder
