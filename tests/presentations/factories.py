"""Factories for OpenID4VP tests: a worker's wallet holding a credential, an employer's
request made on the public page or over the API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.keys import service as keys_service
from app.presentations.models import PresentationRequest
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup
from tests.wallet.factories import HeldCredentials, read_request_link, receive_over_openid4vci

PAGE = "/verify/wallet"
API = "/api/v1/presentation-requests"
CLIENT_ID = "redirect_uri:http://testserver/openid4vp/response"
ALL_FORMATS = ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"]


@dataclass
class Worker:
    setup: IssuingSetup
    credential_id: str
    held: HeldCredentials


@dataclass
class EmployerRequest:
    page_url: str
    request: dict[str, Any]


def worker_with_wallet(client: TestClient, app: FastAPI, db: Session) -> Worker:
    """A credential issued over the API and received by a wallet over OpenID4VCI."""
    setup = issuing_setup(client, app, db)
    keys_service.ensure_keys(db, store=app.state.key_store, now=utcnow())
    keys_service.ensure_verifier_key(db, store=app.state.key_store, now=utcnow())
    db.commit()
    issued = client.post(
        "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
    )
    assert issued.status_code == 201, issued.text
    credential_id = issued.json()["id"]
    offer = client.post(
        f"/api/v1/credentials/{credential_id}/wallet-offers",
        headers=setup.provider,
        json={"tx_code": False},
    )
    assert offer.status_code == 201, offer.text
    held = receive_over_openid4vci(
        client, offer.json()["offer_link"], standard_code=setup.standard.code
    )
    return Worker(setup=setup, credential_id=credential_id, held=held)


def page_request(
    client: TestClient,
    db: Session,
    worker: Worker,
    *,
    claims: tuple[str, ...] = ("name",),
    formats: tuple[str, ...] = tuple(ALL_FORMATS),
    lang: str = "en",
    country: str = "MX",
) -> EmployerRequest:
    """A request made on the public page, opened on the same device (the wallet's answer
    then sends the browser back)."""
    made = client.post(
        f"{PAGE}?lang={lang}",
        data={
            "standard": worker.setup.standard.code,
            "claims": list(claims),
            "formats": list(formats),
            "country": country,
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page_url = made.headers["location"]
    page = client.get(page_url)
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    assert '<meta http-equiv="refresh"' in page.text
    assert 'src="data:image/svg+xml' in page.text
    row = db.scalar(select(PresentationRequest).where(PresentationRequest.id == _id(page_url)))
    assert row is not None
    by_reference = read_request_link(
        client,
        f"openid4vp://?client_id={quote(CLIENT_ID)}"
        f"&request_uri={quote('http://testserver/openid4vp/requests/' + row.state)}",
    )
    match = re.search(r'href="([^"]*/open\?lang=[a-z]+)"', page.text)
    assert match is not None, page.text
    opened = client.get(match.group(1).replace("&amp;", "&"), follow_redirects=False)
    assert opened.status_code == 303
    by_value = read_request_link(client, opened.headers["location"])
    assert by_value == by_reference
    return EmployerRequest(page_url=page_url, request=by_value)


def _id(page_url: str) -> str:
    return page_url.split("?")[0].rsplit("/", 1)[1]
