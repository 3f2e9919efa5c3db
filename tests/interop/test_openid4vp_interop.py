"""The OpenWallet Foundation's OpenID4VP client (@openid4vc/openid4vp, in Node) parses our
request and its authorization response is accepted, carrying an SD-JWT VC presentation with
key binding or a Data Integrity presentation of our Open Badges credential:

- by value: `redirect_uri:` client id, DCQL, direct_post to our HTTPS response URI;
- by reference, signed: `decentralized_identifier:` and our did:web, a Request Object the
  Node wallet verifies with the key our DID document lists under `authentication`, fetched
  with `request_uri_method=post`.

The unsigned request by reference it refuses: it takes only signed Request Objects by
reference, and a `redirect_uri:` client's requests are unsigned (`alg` `none`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.crypto.did import did_web_from_url
from app.db import make_sessionmaker
from app.main import create_app
from tests.conftest import settings_for
from tests.interop.node_verifier import require_node, run_presenting_wallet
from tests.interop.tls_server import TlsServer, free_port
from tests.presentations.factories import API, Worker, worker_with_wallet
from tests.wallet.factories import ldp_presentation, sd_jwt_presentation

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


@pytest.fixture
def served(
    migrated_database: str, database_emptier: Callable[[], None], tmp_path: Path
) -> Iterator[tuple[TlsServer, TestClient, Worker]]:
    require_node()
    database_emptier()
    port = free_port()
    settings = settings_for(
        migrated_database, tmp_path, public_base_url=f"https://127.0.0.1:{port}"
    )
    app = create_app(settings)
    with TlsServer(app, port=port, folder=tmp_path) as server:
        session = make_sessionmaker(app.state.engine)()
        client = TestClient(app, base_url=f"https://127.0.0.1:{port}")
        try:
            yield server, client, worker_with_wallet(client, app, session)
        finally:
            session.close()
    app.state.engine.dispose()


def _asked(client: TestClient, worker: Worker, **choice: object) -> dict[str, Any]:
    """A presentation request made over the API for the worker's standard."""
    made = client.post(
        API,
        headers=worker.setup.provider,
        json={"standard_code": worker.setup.standard.code, **choice},
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def test_the_openwallet_client_parses_our_request_and_its_answer_is_accepted(
    served: tuple[TlsServer, TestClient, Worker],
) -> None:
    server, client, worker = served
    body = _asked(client, worker, claims=["name"])
    refused = run_presenting_wallet(body["request_uri_link"], vp_token=None, env=server.node_env())
    assert not refused.verified and "invalid_request_object" in (refused.error or "")
    parsed = run_presenting_wallet(body["request_link"], vp_token=None, env=server.node_env())
    assert parsed.verified, parsed.error
    assert parsed.raw["client"]["prefix"] == "redirect_uri"
    assert parsed.raw["request"]["nonce"] == body["authorization_request"]["nonce"]
    assert parsed.raw["dcqlIds"] == ["nassc_sd_jwt", "nassc_ldp_vc", "nassc_jwt_vc"]

    request = body["authorization_request"]
    presentation = sd_jwt_presentation(worker.held, request, disclose={"name"})
    answered = run_presenting_wallet(
        body["request_link"],
        vp_token={"nassc_sd_jwt": [presentation]},
        env=server.node_env(),
    )
    assert answered.verified, answered.error
    assert answered.raw["status"] == 200
    result = client.get(f"{API}/{body['id']}", headers=worker.setup.provider).json()
    assert result["status"] == "answered"
    assert result["result"]["verified"] is True
    assert result["result"]["disclosed"]["name"] == "María Fernanda López"


def test_the_openwallet_client_answers_with_our_data_integrity_credential(
    served: tuple[TlsServer, TestClient, Worker],
) -> None:
    server, client, worker = served
    body = _asked(client, worker, formats=["ldp_vc"])
    request = body["authorization_request"]
    contexts = cast(FastAPI, client.app).state.contexts
    answered = run_presenting_wallet(
        body["request_link"],
        vp_token={"nassc_ldp_vc": [ldp_presentation(worker.held, request, contexts)]},
        env=server.node_env(),
    )
    assert answered.verified, answered.error
    assert answered.raw["dcqlIds"] == ["nassc_ldp_vc"]
    result = client.get(f"{API}/{body['id']}", headers=worker.setup.provider).json()
    assert result["result"]["verified"] is True
    assert result["result"]["format"] == "ldp_vc"


@pytest.mark.parametrize("form", ["dc+sd-jwt", "ldp_vc"])
def test_the_openwallet_client_answers_our_signed_request_by_reference(
    served: tuple[TlsServer, TestClient, Worker], form: str
) -> None:
    server, client, worker = served
    body = _asked(client, worker, claims=["name"])
    link = body["signed_request_uri_link"]
    assert "request_uri_method=post" in link
    parsed = run_presenting_wallet(link, vp_token=None, env=server.node_env())
    assert parsed.verified, parsed.error
    did = did_web_from_url(server.url)
    assert parsed.raw["client"]["prefix"] == "decentralized_identifier"
    assert parsed.raw["client"]["identifier"] == did
    assert (
        parsed.raw["client"]["didUrl"]
        in client.get("/.well-known/did.json").json()["authentication"]
    )
    request = parsed.raw["request"]
    assert request["client_id"] == f"decentralized_identifier:{did}"
    assert request["nonce"] == body["authorization_request"]["nonce"]

    contexts = cast(FastAPI, client.app).state.contexts
    query_id, presentation = (
        ("nassc_sd_jwt", sd_jwt_presentation(worker.held, request, disclose={"name"}))
        if form == "dc+sd-jwt"
        else ("nassc_ldp_vc", ldp_presentation(worker.held, request, contexts))
    )
    answered = run_presenting_wallet(
        link, vp_token={query_id: [presentation]}, env=server.node_env()
    )
    assert answered.verified, answered.error
    assert answered.raw["status"] == 200
    result = client.get(f"{API}/{body['id']}", headers=worker.setup.provider).json()
    assert result["status"] == "answered"
    assert result["result"]["verified"] is True
    assert result["result"]["format"] == ("dc+sd-jwt" if form == "dc+sd-jwt" else "ldp_vc")
    assert result["result"]["disclosed"]["name"] == "María Fernanda López"
