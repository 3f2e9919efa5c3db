"""SD-JWT VC Type Metadata per standard, and the issuer metadata wallets resolve keys with."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.crypto import jws, sd_jwt
from app.standards import service as standards_service
from tests.helpers import assert_problem
from tests.status.factories import seeded_standard
from tests.wallet.factories import holder_key, issued_credential, path_of, wallet_copy

LABELS = {
    "en": ("Name", "Score (%)", "Training provider"),
    "es-MX": ("Nombre", "Puntuación (%)", "Centro de formación"),
    "fr-CA": ("Nom", "Note (%)", "Formateur"),
}


def test_type_metadata_in_three_languages(client: TestClient, app: FastAPI, db: Session) -> None:
    standard = seeded_standard(app, db)
    published = standards_service.get_standard(db, code=standard.code)
    response = client.get(f"/vct/{standard.code}", headers={"Origin": "https://wallet.example"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, max-age=300"
    metadata = response.json()
    assert metadata["vct"] == f"http://testserver/vct/{standard.code}"
    assert published.title_en in metadata["name"]
    display = {entry["locale"]: entry for entry in metadata["display"]}
    assert set(display) == {"en", "es-MX", "fr-CA"}
    assert published.title_es in display["es-MX"]["name"]
    assert published.title_fr in display["fr-CA"]["name"]
    assert all(entry["description"] and entry["rendering"]["simple"] for entry in display.values())

    claims = {tuple(claim["path"]): claim for claim in metadata["claims"]}
    for path, locale_labels in zip(
        (("name",), ("score",), ("provider",)), zip(*LABELS.values(), strict=True), strict=True
    ):
        labels = {entry["locale"]: entry["label"] for entry in claims[path]["display"]}
        assert labels == dict(zip(LABELS, locale_labels, strict=True))
        assert claims[path]["sd"] == "always"
    assert claims[("units", None)]["sd"] == "always"
    assert claims[("evidence", None)]["sd"] == "always"
    assert claims[("achievement", "code")]["sd"] == "never"
    for claim in metadata["claims"]:
        assert {entry["locale"] for entry in claim["display"]} == set(LABELS)
        assert claim["sd"] in {"always", "never", "allowed"}


def test_the_vct_of_a_credential_resolves_to_its_type_metadata(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, credential = issued_credential(client, app, db)
    serialized = wallet_copy(app, db, credential, holder_key())
    claims = jws.decode(sd_jwt.split(serialized)[0]).payload
    metadata = client.get(path_of(claims["vct"])).json()
    assert metadata["vct"] == claims["vct"]


def test_unknown_standard_is_a_problem(client: TestClient) -> None:
    assert_problem(client.get("/vct/NO-SUCH-STANDARD"), 404, "standard-not-found")


@pytest.mark.parametrize("path", ["/.well-known/jwt-vc-issuer", "/vct/ANY"])
def test_wallet_documents_answer_cors_preflights(client: TestClient, path: str) -> None:
    response = client.options(
        path,
        headers={"Origin": "https://wallet.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code in (200, 204)
    assert response.headers["access-control-allow-origin"] == "*"


def test_jwt_vc_issuer_metadata_names_our_jwks(client: TestClient) -> None:
    response = client.get("/.well-known/jwt-vc-issuer")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json() == {
        "issuer": "http://testserver",
        "jwks_uri": "http://testserver/.well-known/jwks.json",
    }
