"""The VC API resolves a did:web issuer outside the registry over https, with the outbound
protections (a test TLS server stands in for the issuer's host); the employer API never
fetches and says `unknown-issuer`."""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.crypto.data_integrity import add_proof
from app.crypto.did import did_web_document_url
from app.crypto.multikey import public_key_to_multibase
from app.outbound import SafeFetcher
from app.verification.did_web import DidWebResolver, ForeignKeys
from tests.security.tls_server import answer, tls_server
from tests.vcapi.factories import INSTANCES, credential, issued, issuing

HOST = "node.issuer.example"


def _node(port: int) -> tuple[str, Ed25519PrivateKey, dict[str, Any]]:
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{HOST}%3A{port}"
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_to_multibase(key.public_key()),
            }
        ],
        "assertionMethod": [f"{did}#key-1"],
    }
    return did, key, document


def _use_server(app: FastAPI, tls: Any, *, address: str = "127.0.0.1") -> None:
    """Resolve every host to `address`; only loopback (the test server) is let through."""
    fetcher = SafeFetcher(
        resolver=lambda host, port: [address],
        tls=tls,
        allow_private=address == "127.0.0.1",
        deadline=2,
    )
    app.state.foreign_keys = ForeignKeys(DidWebResolver(fetcher, clock=lambda: datetime.now(UTC)))
    app.state.verifier_setup = None  # rebuilt with the new resolver


def test_did_web_document_urls() -> None:
    assert did_web_document_url("did:web:example.com") == "https://example.com/.well-known/did.json"
    assert did_web_document_url("did:web:example.com%3A8443:user:alice") == (
        "https://example.com:8443/user/alice/did.json"
    )
    for bad in (
        "did:key:z6Mk",
        "did:web:",
        "did:web:a#b",
        "did:web:a::b",
        "did:web:a:..",
        "did:web:a%40b",
    ):
        assert did_web_document_url(bad) is None, bad


def _serving(holder: dict[str, bytes]) -> Any:
    """A handler answering whatever `holder["body"]` is when asked (the DID names the port,
    known only once the server runs)."""

    def handle(connection: ssl.SSLSocket, stop: threading.Event) -> None:
        answer(holder["body"], holder.get("status", b"200 OK").decode())(connection, stop)

    return handle


def test_a_did_web_issuer_outside_the_registry_verifies_through_the_vc_api_only(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    holder: dict[str, bytes] = {}
    with tls_server(tmp_path, HOST, _serving(holder)) as server:
        did, key, document = _node(server.port)
        holder["body"] = json.dumps(document).encode()
        signed = add_proof(
            credential(did),
            private_key=key,
            verification_method=f"{did}#key-1",
            created=datetime(2026, 1, 1, tzinfo=UTC),
            contexts=app.state.contexts,
        )
        _use_server(app, server.client_tls)

        strict = client.post("/api/v1/verify", json=signed).json()
        assert strict["outcome"] == "unknown-issuer"
        assert server.connections == []

        response = client.post("/credentials/verify", json={"verifiableCredential": signed})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["verified"] is True
        assert any(w["type"].endswith("untrusted-issuer") for w in body["warnings"])
        assert len(server.connections) == 1
        # Cached: a second verification does not fetch again.
        assert (
            client.post("/credentials/verify", json={"verifiableCredential": signed}).status_code
            == 200
        )
        assert len(server.connections) == 1

        tampered = {**signed, "credentialSubject": {"id": "did:example:other"}}
        assert (
            client.post("/credentials/verify", json={"verifiableCredential": tampered}).status_code
            == 400
        )


def test_an_unresolvable_did_web_is_400_with_errors(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    holder: dict[str, bytes] = {"body": b"not found", "status": b"404 Not Found"}
    with tls_server(tmp_path, HOST, _serving(holder)) as server:
        did, key, _ = _node(server.port)
        signed = add_proof(
            credential(did),
            private_key=key,
            verification_method=f"{did}#key-1",
            created=datetime(2026, 1, 1, tzinfo=UTC),
            contexts=app.state.contexts,
        )
        _use_server(app, server.client_tls)
        response = client.post("/credentials/verify", json={"verifiableCredential": signed})

    assert response.status_code == 400
    assert response.json()["errors"]


def _signed_by_node(app: FastAPI, port: int) -> tuple[dict[str, Any], dict[str, Any]]:
    did, key, document = _node(port)
    signed = add_proof(
        credential(did),
        private_key=key,
        verification_method=f"{did}#key-1",
        created=datetime(2026, 1, 1, tzinfo=UTC),
        contexts=app.state.contexts,
    )
    return signed, document


def _redirecting(connection: ssl.SSLSocket, stop: threading.Event) -> None:
    connection.recv(65536)
    connection.sendall(
        f"HTTP/1.1 302 Found\r\nLocation: https://{HOST}/elsewhere/did.json\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
    )


def test_a_redirect_is_not_followed(client: TestClient, app: FastAPI, tmp_path: Path) -> None:
    with tls_server(tmp_path, HOST, _redirecting) as server:
        signed, _ = _signed_by_node(app, server.port)
        _use_server(app, server.client_tls)
        response = client.post("/credentials/verify", json={"verifiableCredential": signed})

        assert response.status_code == 400
        assert response.json()["errors"]
        assert len(server.connections) == 1


def test_a_did_document_larger_than_the_limit_is_refused(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    holder: dict[str, bytes] = {}
    with tls_server(tmp_path, HOST, _serving(holder)) as server:
        signed, document = _signed_by_node(app, server.port)
        padded = {**document, "service": [{"id": "#pad", "padding": "x" * (300 * 1024)}]}
        holder["body"] = json.dumps(padded).encode()
        _use_server(app, server.client_tls)
        response = client.post("/credentials/verify", json={"verifiableCredential": signed})

        assert response.status_code == 400
        assert response.json()["errors"]
        holder["body"] = json.dumps(document).encode()
        _use_server(app, server.client_tls)
        assert (
            client.post("/credentials/verify", json={"verifiableCredential": signed}).status_code
            == 200
        )


def test_a_did_web_host_at_a_private_address_is_never_connected(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    holder: dict[str, bytes] = {}
    with tls_server(tmp_path, HOST, _serving(holder)) as server:
        signed, document = _signed_by_node(app, server.port)
        holder["body"] = json.dumps(document).encode()
        for address in ("10.0.0.7", "169.254.169.254", "::1"):
            _use_server(app, server.client_tls, address=address)
            response = client.post("/credentials/verify", json={"verifiableCredential": signed})
            assert response.status_code == 400, address
            assert response.json()["errors"]
        assert server.connections == []


def test_a_did_web_instance_of_another_host_verifies_once_its_document_is_published(
    client: TestClient, app: FastAPI, db: Session, tmp_path: Path
) -> None:
    """A national body's node: an admin makes a did:web instance for the node's host, the
    node publishes the DID document this service gives, and what the instance issues
    verifies through the VC API (not trusted: a warning)."""
    setup = issuing(client, app, db)
    holder: dict[str, bytes] = {}
    with tls_server(tmp_path, HOST, _serving(holder)) as server:
        did = f"did:web:{HOST}%3A{server.port}"
        body = {"name": "node", "did_method": "web", "did": did}
        created = client.post(INSTANCES, headers=setup.headers, json=body)
        assert created.status_code == 201, created.text
        instance = created.json()
        assert instance["did_document_url"] == f"https://{HOST}:{server.port}/.well-known/did.json"
        holder["body"] = client.get(f"/instances/{instance['id']}/did.json").content
        node = replace(setup, instance_id=instance["id"], key_did=did)
        signed = issued(client, node, credential(did))
        _use_server(app, server.client_tls)

        response = client.post("/credentials/verify", json={"verifiableCredential": signed})
        assert response.status_code == 200, response.text
        assert any(w["type"].endswith("untrusted-issuer") for w in response.json()["warnings"])
        assert len(server.connections) == 1
