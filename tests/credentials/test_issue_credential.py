"""Issuing one credential over the API: OB 3.0 shape, both proofs checked by other libraries."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from pyld import jsonld
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.credentials.models import Credential
from app.crypto.data_integrity import verify_proof
from app.crypto.jose import registered_claims
from app.crypto.multikey import public_key_from_multibase
from app.fields import Country
from app.providers.models import TrainingProvider
from tests.credentials.factories import issue_body, issuing_setup
from tests.curricula.factories import complete_curriculum_body
from tests.factories import staff_headers
from tests.helpers import assert_problem
from tests.interop.node_verifier import run_node_verifier_batch

CREDENTIALS = "/api/v1/credentials"
DATE_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def issue(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(CREDENTIALS, headers=headers, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def verification_methods(client: TestClient) -> list[dict[str, Any]]:
    methods: list[dict[str, Any]] = client.get("/.well-known/did.json").json()["verificationMethod"]
    return methods


def test_credential_has_every_open_badges_requirement(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    issued = issue(client, setup.provider, issue_body(setup.curriculum_id))
    vc = issued["credential"]

    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", vc["id"])
    assert vc["issuer"]["id"] == "did:web:testserver"
    assert vc["issuer"]["type"] == ["Profile"]
    assert vc["issuer"]["name"]
    for key in ("validFrom", "validUntil", "awardedDate"):
        assert DATE_Z.match(vc[key]), key
    years = int(vc["validUntil"][:4]) - int(vc["validFrom"][:4])
    assert years == setup.standard.validity_years

    subject = vc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    email, name = subject["identifier"]
    assert email["type"] == "IdentityObject" and email["hashed"] is True
    assert email["identityType"] == "emailAddress"
    assert email["identityHash"].startswith("sha256$") and email["salt"]
    assert "maria.lopez@example.com" not in json.dumps(vc)
    assert name == {
        "type": "IdentityObject",
        "identityHash": "María Fernanda López",
        "identityType": "name",
        "hashed": False,
    }
    assert subject["result"][0]["value"] == "86.5"
    assert vc["evidence"][0]["type"] == ["Evidence"]

    achievement = subject["achievement"]
    assert achievement["id"].endswith(
        f"/api/v1/standards/{setup.standard.code}/versions/{setup.standard.version}"
    )
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Certification"
    assert achievement["name"] and achievement["description"]
    assert achievement["criteria"]["narrative"]
    assert achievement["inLanguage"] == "en"
    unit_alignments = [a for a in achievement["alignment"] if a.get("targetType") == "CFItem"]
    # The units earned: every mandatory unit and the elective the curriculum covers.
    mandatory = [unit.code for unit in setup.standard.units if unit.kind.value == "mandatory"]
    electives = [unit.code for unit in setup.standard.units if unit.kind.value == "elective"]
    expected = [*mandatory, *electives[: setup.standard.electives_required]]
    assert [alignment["targetCode"] for alignment in unit_alignments] == expected
    frameworks = {a["targetFramework"] for a in achievement["alignment"]}
    assert {"SOC 2018", "NOC 2021", "SINCO 2019"} <= frameworks
    for alignment in achievement["alignment"]:
        assert alignment["type"] == ["Alignment"]
        assert alignment["targetName"] and alignment["targetUrl"].startswith("http")

    revocation, suspension = vc["credentialStatus"]
    assert [revocation["statusPurpose"], suspension["statusPurpose"]] == [
        "revocation",
        "suspension",
    ]
    for entry in (revocation, suspension):
        assert entry["type"] == "BitstringStatusListEntry"
        assert isinstance(entry["statusListIndex"], str) and entry["statusListIndex"].isdigit()
        assert entry["statusListCredential"].startswith("http://testserver/status/")
        assert entry["id"] != entry["statusListCredential"]

    # The CASE item an alignment points at exists in the standard's CASE export.
    case = client.get(f"/api/v1/standards/{setup.standard.code}/case").json()
    item_uris = {item["uri"] for item in case["CFItems"]}
    assert {a["targetUrl"] for a in unit_alignments} <= item_uris


def test_json_ld_expansion_loses_no_property(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    vc = issue(client, setup.provider, issue_body(setup.curriculum_id))["credential"]
    unsigned = {key: value for key, value in vc.items() if key != "proof"}
    loader = app.state.contexts.document_loader
    expanded = jsonld.expand(unsigned, {"documentLoader": loader})
    # Compacting the expansion back with the same contexts gives the document again: a term
    # that did not map to an IRI would have been dropped by expansion and be missing here.
    compacted = jsonld.compact(
        expanded, {"@context": unsigned["@context"]}, {"documentLoader": loader}
    )
    compacted.pop("@context")
    original = copy.deepcopy(unsigned)
    original.pop("@context")
    assert _normalize(compacted) == _normalize(original)


def _normalize(value: Any) -> Any:
    """JSON-LD compaction turns one-element arrays into values; compare modulo that."""
    if isinstance(value, dict):
        return {key: _normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_normalize(item) for item in value]
        return (
            items[0]
            if len(items) == 1
            else sorted(items, key=lambda i: json.dumps(i, sort_keys=True))
        )
    return value


def test_both_proofs_verify_in_other_implementations(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    issued = issue(client, setup.provider, issue_body(setup.curriculum_id))

    # Data Integrity: Digital Bazaar's JavaScript implementation.
    [result] = run_node_verifier_batch(
        [issued["credential"]], verification_methods(client), app.state.settings.contexts_dir
    )
    assert result.verified, result.error

    # VC-JOSE: joserfc and jwcrypto, with the key from jwks.json.
    header = dict(jws.extract_compact(issued["jwt"].encode()).headers())
    assert header == {
        "alg": "EdDSA",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": issued["credential"]["proof"]["verificationMethod"],
    }
    [jwk] = client.get("/.well-known/jwks.json").json()["keys"]
    assert jwk["kid"] == header["kid"]
    # joserfc flags "EdDSA" as superseded by "Ed25519" (RFC 9864); VC-JOSE issuers still use it.
    with pytest.warns(SecurityWarning, match="EdDSA"):
        verified = jws.deserialize_compact(
            issued["jwt"], OKPKey.import_key(jwk), algorithms=["EdDSA"]
        )
    payload = json.loads(verified.payload)
    assert "vc" not in payload and "proof" not in payload
    credential = {k: v for k, v in issued["credential"].items() if k != "proof"}
    # The credential, and the JWT claims Open Badges 3.0 §8.2 derives from it.
    assert payload == {**credential, **registered_claims(credential)}
    assert payload["iss"] == credential["issuer"]["id"]
    assert payload["jti"] == credential["id"]

    token = jwcrypto_jws.JWS()
    token.deserialize(issued["jwt"])
    token.verify(jwcrypto_jwk.JWK(**jwk), alg="EdDSA")
    assert json.loads(token.payload) == payload


def test_changing_any_value_breaks_both_proofs(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    issued = issue(client, setup.provider, issue_body(setup.curriculum_id))
    vc = issued["credential"]
    key = public_key_from_multibase(verification_methods(client)[0]["publicKeyMultibase"])
    contexts = app.state.contexts
    assert verify_proof(vc, public_key=key, contexts=contexts).verified

    tampered_name = copy.deepcopy(vc)
    tampered_name["credentialSubject"]["identifier"][1]["identityHash"] = "Someone Else"
    tampered_date = copy.deepcopy(vc)
    tampered_date["validUntil"] = "2099-01-01T00:00:00Z"
    tampered_score = copy.deepcopy(vc)
    tampered_score["credentialSubject"]["result"][0]["value"] = "100"
    for tampered in (tampered_name, tampered_date, tampered_score):
        assert not verify_proof(tampered, public_key=key, contexts=contexts).verified
    results = run_node_verifier_batch(
        [tampered_name, tampered_date, tampered_score],
        verification_methods(client),
        app.state.settings.contexts_dir,
    )
    assert [r.verified for r in results] == [False, False, False]

    [jwk] = client.get("/.well-known/jwks.json").json()["keys"]
    header, payload, signature = issued["jwt"].split(".")
    for position in (0, len(payload) // 2, len(payload) - 2):
        flipped = (
            payload[:position]
            + ("A" if payload[position] != "A" else "B")
            + payload[position + 1 :]
        )
        with pytest.raises(JoseError), pytest.warns(SecurityWarning):
            jws.deserialize_compact(
                f"{header}.{flipped}.{signature}", OKPKey.import_key(jwk), algorithms=["EdDSA"]
            )


def test_credentials_signed_before_a_rotation_still_verify(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    before = issue(client, setup.provider, issue_body(setup.curriculum_id))
    admin = staff_headers(client, db, Role.admin)
    assert client.post("/api/v1/admin/keys/rotate", headers=admin).status_code == 201
    after = issue(client, setup.provider, issue_body(setup.curriculum_id, name="Jean Tremblay"))
    old_kid = before["credential"]["proof"]["verificationMethod"]
    new_kid = after["credential"]["proof"]["verificationMethod"]
    assert old_kid != new_kid
    methods = verification_methods(client)
    assert {m["id"] for m in methods} == {old_kid, new_kid}
    results = run_node_verifier_batch(
        [before["credential"], after["credential"]], methods, app.state.settings.contexts_dir
    )
    assert [r.verified for r in results] == [True, True], [r.error for r in results]


def test_idempotency_key_replays_without_issuing_twice(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    body = issue_body(setup.curriculum_id)
    headers = {**setup.provider, "Idempotency-Key": "cohort-7-row-12"}
    first = client.post(CREDENTIALS, headers=headers, json=body)
    second = client.post(CREDENTIALS, headers=headers, json=body)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.headers["idempotent-replay"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["credential"] == first.json()["credential"]
    assert second.json()["claim_url"] != first.json()["claim_url"]
    assert db.scalar(select(func.count()).select_from(Credential)) == 1

    other_body = issue_body(setup.curriculum_id, name="Someone Else")
    assert_problem(
        client.post(CREDENTIALS, headers=headers, json=other_body), 422, "idempotency-key-reused"
    )


def test_claim_secret_is_stored_only_hashed(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    issued = issue(client, setup.provider, issue_body(setup.curriculum_id))
    token = issued["claim_url"].rsplit("/", 1)[1]
    stored = db.get(Credential, issued["id"])
    assert stored is not None
    assert stored.claim_token_hash and token not in stored.claim_token_hash
    assert len(token) >= 40


def test_issuance_refusals(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    other = issuing_setup(client, app, db, index=1)

    # Another provider's curriculum: not found, exactly like an unknown one.
    response = client.post(
        CREDENTIALS, headers=other.provider, json=issue_body(setup.curriculum_id)
    )
    foreign = assert_problem(response, 404, "curriculum-not-found")
    unknown = assert_problem(
        client.post(CREDENTIALS, headers=other.provider, json=issue_body(999_999)),
        404,
        "curriculum-not-found",
    )
    assert foreign["detail"].replace(str(setup.curriculum_id), "N") == unknown["detail"].replace(
        "999999", "N"
    )

    # A provider must name a curriculum.
    by_standard = issue_body(setup.curriculum_id)
    by_standard.pop("curriculum_id")
    by_standard["standard_code"] = setup.standard.code
    assert_problem(
        client.post(CREDENTIALS, headers=setup.provider, json=by_standard),
        422,
        "curriculum-required",
    )

    # An unapproved curriculum (a new version awaiting review).
    revised = client.put(
        f"/api/v1/provider/curricula/{setup.curriculum_id}",
        headers=setup.provider,
        json=complete_curriculum_body(setup.standard, Country.mx),
    ).json()
    response = client.post(CREDENTIALS, headers=setup.provider, json=issue_body(revised["id"]))
    assert_problem(response, 409, "curriculum-not-approved")

    # An unaccredited (suspended) provider.
    db.execute(
        update(TrainingProvider)
        .where(TrainingProvider.id == setup.provider_id)
        .values(accreditation_status="suspended")
    )
    db.commit()
    response = client.post(
        CREDENTIALS, headers=setup.provider, json=issue_body(setup.curriculum_id)
    )
    assert_problem(response, 403, "provider-not-accredited")

    # An unpublished (retired) standard, issued by staff.
    retire = client.post(
        f"/api/v1/admin/standards/{other.standard.code}/versions/{other.standard.version}/retire",
        headers=other.staff,
    )
    assert retire.status_code == 200
    staff_body = {**by_standard, "standard_code": other.standard.code}
    assert_problem(
        client.post(CREDENTIALS, headers=other.staff, json=staff_body),
        409,
        "standard-not-published",
    )
    assert db.scalar(select(func.count()).select_from(Credential)) == 0
