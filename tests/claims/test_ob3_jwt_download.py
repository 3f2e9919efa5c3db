"""The Open Badges 3.0 form of the JWT download (§8.2: header `typ: JWT`, no `cty`), checked
with jwcrypto (the service signs with PyJWT): the vc+jwt's payload under OB 3.0's header,
signed by a key the issuer publishes."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwcrypto import jwk, jws
from sqlalchemy.orm import Session

from app.crypto.jose import decode_compact_jws
from tests.claims.test_pages import claim, claim_token, stored
from tests.helpers import assert_problem
from tests.verification.factories import issued_credential
from tests.web.helpers import assert_page


def test_the_ob3_form_is_a_second_download_of_the_same_credential(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))
    credential = stored(db, issued["id"])

    page = assert_page(client.get(location))
    links = {link.text: str(link.attrs["href"]) for link in page.find_all("a")}
    assert links["Download (JWT, Open Badges 3.0 form)"] == f"{location}/credential-ob3.jwt"

    response = client.get(f"{location}/credential-ob3.jwt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jwt"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="nassc-{issued["id"]}-ob3.jwt"'
    )
    assert response.headers["cache-control"] == "no-store"

    token = jws.JWS()
    token.deserialize(response.text)
    header = token.jose_header
    assert header["typ"] == "JWT"
    assert "cty" not in header
    assert header["alg"] == "EdDSA"
    keys = {key["kid"]: key for key in client.get("/.well-known/jwks.json").json()["keys"]}
    token.verify(jwk.JWK(**keys[header["kid"]]))
    payload = json.loads(token.payload)
    assert "proof" not in payload and "vc" not in payload
    assert payload == decode_compact_jws(credential.jwt).payload
    assert {"iss", "jti", "nbf"} <= set(payload)
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == payload["id"]

    assert_problem(client.get("/my/unknown/credential-ob3.jwt"), 404, "holder-link-not-found")


def test_the_ob3_download_is_translated(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    location = claim(client, claim_token(issued))

    for language, label in (
        ("es", "Descargar (JWT, forma de Open Badges 3.0)"),
        ("fr", "Télécharger (JWT, forme Open Badges 3.0)"),
    ):
        page = assert_page(client.get(f"{location}?lang={language}"))
        links = {link.text: str(link.attrs["href"]) for link in page.find_all("a")}
        assert links[label].endswith("/credential-ob3.jwt")
