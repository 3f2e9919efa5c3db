"""The OpenWallet Foundation's OpenID4VP client (@openid4vc/openid4vp, in Node) parses our
request (by value: redirect_uri: client id, DCQL, direct_post to our HTTPS response URI) and
its authorization response is accepted, carrying an SD-JWT VC presentation with key binding or
a Data Integrity presentation of our Open Badges credential.

By reference it refuses our request: it takes only signed Request Objects, and a
`redirect_uri:` client's requests are unsigned (`alg` `none`); see the README."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

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


def test_the_openwallet_client_parses_our_request_and_its_answer_is_accepted(
    served: tuple[TlsServer, TestClient, Worker],
) -> None:
    server, client, worker = served
    made = client.post(
        API,
        headers=worker.setup.provider,
        json={"standard_code": worker.setup.standard.code, "claims": ["name"]},
    )
    assert made.status_code == 201, made.text
    body = made.json()
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
    made = client.post(
        API,
        headers=worker.setup.provider,
        json={"standard_code": worker.setup.standard.code, "formats": ["ldp_vc"]},
    )
    assert made.status_code == 201, made.text
    body = made.json()
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
