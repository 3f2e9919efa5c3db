"""Callers and credentials for the W3C VC API tests (the shapes the W3C suites send)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import create_proof
from app.crypto.multikey import did_key_from_public_key, did_key_verification_method
from app.issuer.service import issuer_did
from tests.factories import ensure_signing_key, staff_headers

VCDM_V2 = "https://www.w3.org/ns/credentials/v2"
VCDM_V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
ISSUE = "/credentials/issue"
INSTANCES = "/api/v1/admin/issuer-instances"
SUBJECT = "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"


@dataclass(frozen=True)
class Issuing:
    """An admin's headers, the NASSC did:web and a did:key instance to issue as."""

    headers: dict[str, str]
    web_did: str
    instance_id: str
    key_did: str

    @property
    def instance_issue(self) -> str:
        return f"/instances/{self.instance_id}/credentials/issue"


def issuing(client: TestClient, app: FastAPI, db: Session) -> Issuing:
    """A signing key, an admin and one did:key issuer instance."""
    ensure_signing_key(app, db)
    headers = staff_headers(client, db, Role.admin)
    created = client.post(INSTANCES, headers=headers, json={"name": "conformance"})
    assert created.status_code == 201, created.text
    body = created.json()
    return Issuing(
        headers=headers,
        web_did=issuer_did(app.state.settings),
        instance_id=body["id"],
        key_did=body["did"],
    )


def credential(issuer: Any, **extra: Any) -> dict[str, Any]:
    """A minimal VCDM 2.0 credential by `issuer` (the suites' `credential-ok.json`)."""
    return {
        "@context": [VCDM_V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": SUBJECT},
        **extra,
    }


def issue(
    client: TestClient,
    setup: Issuing,
    document: dict[str, Any],
    *,
    at: str | None = None,
    **options: Any,
) -> Any:
    """POST `{credential, options}` to the instance (default) or to `at`."""
    return client.post(
        at or setup.instance_issue,
        headers=setup.headers,
        json={"credential": document, "options": options},
    )


def issued(
    client: TestClient,
    setup: Issuing,
    document: dict[str, Any],
    *,
    at: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    """The verifiable credential issued for `document` (asserting 201)."""
    response = issue(client, setup, document, at=at, **options)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"verifiableCredential"}
    result: dict[str, Any] = response.json()["verifiableCredential"]
    return result


class DidKey:
    """A did:key signer, as the suites' own keys are."""

    def __init__(self) -> None:
        self.private_key = Ed25519PrivateKey.generate()
        self.did = did_key_from_public_key(self.private_key.public_key())
        self.method = did_key_verification_method(self.private_key.public_key())

    def sign(
        self, document: dict[str, Any], contexts: PinnedContexts, **options: Any
    ) -> dict[str, Any]:
        proof = create_proof(
            {key: value for key, value in document.items() if key != "proof"},
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2026-01-01T00:00:00Z",
                "verificationMethod": self.method,
                "proofPurpose": "assertionMethod",
                **options,
            },
            private_key=self.private_key,
            contexts=contexts,
        )
        return proof
