"""eddsa-rdfc-2022 on Open Badges 3.0 credentials: round trip, then tampering and refusals."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.crypto import data_integrity, multikey
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import PARSING_ERROR, PROOF_VERIFICATION_ERROR, VerificationResult
from app.crypto.errors import (
    DataLossDetectionError,
    ProofGenerationError,
    ProofTransformationError,
    UnknownContextError,
)
from app.crypto.multibase import decode_base58btc, encode_base58btc
from tests.crypto.factories import OB_V3P0, VCDM_V2, ob_credential

CREATED = datetime(2026, 3, 1, 12, 30, 5, 987654, tzinfo=UTC)

Document = dict[str, Any]


@pytest.fixture(scope="module")
def private_key() -> Ed25519PrivateKey:
    return multikey.generate_private_key()


@pytest.fixture(scope="module")
def signed(private_key: Ed25519PrivateKey, contexts: PinnedContexts) -> Document:
    return _sign(ob_credential(), private_key, contexts)


def _sign(document: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts) -> Document:
    return data_integrity.add_proof(
        document,
        private_key=private_key,
        verification_method=multikey.did_key_verification_method(private_key.public_key()),
        created=CREATED,
        contexts=contexts,
    )


def _verify(
    document: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> VerificationResult:
    return data_integrity.verify_proof(
        document, public_key=private_key.public_key(), contexts=contexts
    )


def _codes(result: VerificationResult) -> set[str]:
    return {problem.code for problem in result.problems}


# --- round trip ---------------------------------------------------------------------------


def test_round_trip_verifies_and_returns_the_unsecured_document(
    signed: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    result = _verify(signed, private_key, contexts)

    assert result.verified
    assert result.problems == ()
    assert result.verified_document == ob_credential()


def test_proof_has_the_cryptosuite_fields(signed: Document, private_key: Ed25519PrivateKey) -> None:
    proof = signed["proof"]

    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == multikey.did_key_verification_method(
        private_key.public_key()
    )
    # XMLSchema dateTime in UTC, whole seconds, `Z`.
    assert proof["created"] == "2026-03-01T12:30:05Z"
    assert proof["proofValue"].startswith("z")
    assert len(decode_base58btc(proof["proofValue"])) == 64


def test_add_proof_leaves_its_input_alone(
    private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    document = ob_credential()

    _sign(document, private_key, contexts)

    assert document == ob_credential()


def test_created_with_an_offset_is_written_in_utc(
    private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    created = datetime(2026, 3, 1, 7, 30, 5, tzinfo=timezone(timedelta(hours=-5)))

    secured = data_integrity.add_proof(
        ob_credential(),
        private_key=private_key,
        verification_method="https://credentials.nassc.example/issuers/ca-on-001#key-1",
        created=created,
        contexts=contexts,
    )

    assert secured["proof"]["created"] == "2026-03-01T12:30:05Z"


def test_non_ascii_text_round_trips(
    private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    document = ob_credential(name="Inspectora de soldadura — Niveau 2 — 焊接检验员 ✓")

    assert _verify(_sign(document, private_key, contexts), private_key, contexts).verified


# --- tampering ----------------------------------------------------------------------------


def _set_name(d: Document) -> None:
    d["name"] = "Certified Welding Inspector — Level 3"


def _set_valid_from(d: Document) -> None:
    d["validFrom"] = "2026-03-02T00:00:00Z"


def _set_achievement_narrative(d: Document) -> None:
    d["credentialSubject"]["achievement"]["criteria"]["narrative"] = "Attended."


def _set_result_value(d: Document) -> None:
    d["credentialSubject"]["result"][0]["value"] = "98"


def _set_status_index(d: Document) -> None:
    d["credentialStatus"]["statusListIndex"] = "94568"


def _add_awarded_date(d: Document) -> None:
    d["awardedDate"] = "2026-03-01T00:00:00Z"


def _drop_alignment(d: Document) -> None:
    d["credentialSubject"]["achievement"]["alignment"].pop()


def _set_issuer(d: Document) -> None:
    d["issuer"]["id"] = "https://credentials.nassc.example/issuers/mx-001"


def _set_proof_value(d: Document) -> None:
    signature = bytearray(decode_base58btc(d["proof"]["proofValue"]))
    signature[10] ^= 0x01
    d["proof"]["proofValue"] = encode_base58btc(bytes(signature))


def _set_proof_created(d: Document) -> None:
    d["proof"]["created"] = "2026-03-01T12:30:06Z"


def _set_verification_method(d: Document) -> None:
    d["proof"]["verificationMethod"] = "https://credentials.nassc.example/issuers/x#key-2"


@pytest.mark.parametrize(
    "tamper",
    [
        _set_name,
        _set_valid_from,
        _set_achievement_narrative,
        _set_result_value,
        _set_status_index,
        _add_awarded_date,
        _drop_alignment,
        _set_issuer,
        _set_proof_value,
        _set_proof_created,
        _set_verification_method,
    ],
)
def test_tampering_fails_verification(
    tamper: Callable[[Document], None],
    signed: Document,
    private_key: Ed25519PrivateKey,
    contexts: PinnedContexts,
) -> None:
    document = copy.deepcopy(signed)
    tamper(document)

    result = _verify(document, private_key, contexts)

    assert not result.verified
    assert result.verified_document is None
    assert _codes(result) == {PROOF_VERIFICATION_ERROR}


def test_a_different_key_fails_verification(signed: Document, contexts: PinnedContexts) -> None:
    other_key = multikey.generate_private_key()

    result = _verify(signed, other_key, contexts)

    assert not result.verified
    assert _codes(result) == {PROOF_VERIFICATION_ERROR}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("type", "Ed25519Signature2020", "proof.type"),
        ("cryptosuite", "eddsa-jcs-2022", "proof.cryptosuite"),
        ("cryptosuite", None, "proof.cryptosuite"),
        ("proofPurpose", "authentication", "proof.proofPurpose"),
        ("verificationMethod", None, "proof.verificationMethod"),
        ("created", "1 March 2026", "proof.created"),
        ("proofValue", None, "proof.proofValue is missing"),
        ("proofValue", "uAAAA", "proof.proofValue"),
        ("proofValue", "z" + "1" * 50, "bytes, expected 64"),
        ("proofValue", "z0OIl", "proof.proofValue"),
        ("@context", [VCDM_V2], "proof @context"),
    ],
)
def test_malformed_proofs_are_reported_not_raised(
    field: str,
    value: Any,
    message: str,
    signed: Document,
    private_key: Ed25519PrivateKey,
    contexts: PinnedContexts,
) -> None:
    document = copy.deepcopy(signed)
    if value is None:
        del document["proof"][field]
    else:
        document["proof"][field] = value

    result = _verify(document, private_key, contexts)

    assert not result.verified
    assert _codes(result) == {PROOF_VERIFICATION_ERROR}
    assert any(message in problem.detail for problem in result.problems), result.problems


def test_a_proof_with_the_documents_context_still_verifies(
    signed: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    document = copy.deepcopy(signed)
    document["proof"]["@context"] = document["@context"]

    assert _verify(document, private_key, contexts).verified


@pytest.mark.parametrize("proof", [None, "zabc", [{"type": "DataIntegrityProof"}]])
def test_a_missing_or_non_object_proof_is_a_parsing_error(
    proof: Any, signed: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    document = copy.deepcopy(signed)
    if proof is None:
        del document["proof"]
    else:
        document["proof"] = proof

    result = _verify(document, private_key, contexts)

    assert not result.verified
    assert _codes(result) == {PARSING_ERROR}


def test_expected_proof_purpose_is_checked(
    signed: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    result = data_integrity.verify_proof(
        signed,
        public_key=private_key.public_key(),
        contexts=contexts,
        expected_proof_purpose="authentication",
    )

    assert not result.verified


# --- documents that cannot be processed ---------------------------------------------------


def test_an_unknown_context_raises_when_signing_and_verifying(
    signed: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    unknown = [VCDM_V2, OB_V3P0, "https://example.com/contexts/extra.jsonld"]

    with pytest.raises(UnknownContextError):
        _sign(ob_credential(**{"@context": unknown}), private_key, contexts)
    with pytest.raises(UnknownContextError):
        _verify({**signed, "@context": unknown}, private_key, contexts)


def test_a_term_that_does_not_map_to_an_iri_is_refused(
    signed: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    document = ob_credential()
    document["credentialSubject"]["favouriteColour"] = "blue"

    with pytest.raises(DataLossDetectionError) as raised:
        _sign(document, private_key, contexts)
    assert raised.value.code == "DATA_LOSS_DETECTION_ERROR"
    assert raised.value.dropped == ("property 'favouriteColour' does not map to an IRI",)
    # Added after signing, the same term would go unchecked if dropped: refused, not ignored.
    tampered = copy.deepcopy(signed)
    tampered["favouriteColour"] = "blue"
    with pytest.raises(ProofTransformationError):
        _verify(tampered, private_key, contexts)


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        ({"id": "credential-17"}, "relative IRI 'credential-17' in @id"),
        ({"type": ["VerifiableCredential", "NasscBadge"]}, "relative IRI 'NasscBadge' in @type"),
        ({"name": "bell\x07"}, "contains a control character"),
        ({"name": 2**60}, "is not exact as a JSON number"),
    ],
)
def test_values_canonicalization_would_lose_are_refused(
    change: Document, reported: str, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    with pytest.raises(DataLossDetectionError) as raised:
        _sign(ob_credential(**change), private_key, contexts)

    assert any(reported in problem for problem in raised.value.dropped), raised.value.dropped


def test_ob_credential_schema_type_needs_a_context_term(
    private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    # The OB 3.0.3 context does not define `1EdTechJsonSchemaValidator2019` and the VCDM 2.0
    # context has no @vocab, so the type is a relative IRI that RDF would silently drop.
    schema = {
        "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
        "ob_v3p0_achievementcredential_schema.json",
        "type": "1EdTechJsonSchemaValidator2019",
    }

    with pytest.raises(DataLossDetectionError, match="1EdTechJsonSchemaValidator2019"):
        _sign(ob_credential(credentialSchema=[schema]), private_key, contexts)

    extended = ob_credential(credentialSchema=[schema])
    extended["@context"] = [
        VCDM_V2,
        OB_V3P0,
        {
            "1EdTechJsonSchemaValidator2019": "https://purl.imsglobal.org/spec/vc/ob/vocab.html"
            "#1EdTechJsonSchemaValidator2019"
        },
    ]
    assert _verify(_sign(extended, private_key, contexts), private_key, contexts).verified


def test_redefining_a_protected_term_is_refused(
    private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    document = ob_credential(**{"@context": [VCDM_V2, OB_V3P0, {"name": "https://evil/name"}]})

    with pytest.raises(ProofTransformationError, match="protected term"):
        _sign(document, private_key, contexts)


# --- proof generation input checks ---------------------------------------------------------


@pytest.mark.parametrize("created", [datetime(2026, 3, 1, 12, 0), "2026-03-01", "yesterday"])
def test_created_must_be_an_aware_datetime_or_xsd_datetime(
    created: datetime | str, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    with pytest.raises(ProofGenerationError):
        data_integrity.add_proof(
            ob_credential(),
            private_key=private_key,
            verification_method="did:example:issuer#key-1",
            created=created,
            contexts=contexts,
        )


def test_a_document_that_already_has_a_proof_is_refused(
    signed: Document, private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    with pytest.raises(ProofGenerationError, match="already has a proof"):
        _sign(signed, private_key, contexts)


def test_a_document_without_context_is_refused(
    private_key: Ed25519PrivateKey, contexts: PinnedContexts
) -> None:
    document = ob_credential()
    del document["@context"]

    with pytest.raises(ProofGenerationError, match="@context"):
        _sign(document, private_key, contexts)


def test_transformation_and_configuration_check_the_suite(contexts: PinnedContexts) -> None:
    options = {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019"}

    with pytest.raises(ProofTransformationError):
        data_integrity.transformation(ob_credential(), options, contexts=contexts)
    with pytest.raises(ProofGenerationError):
        data_integrity.proof_configuration(ob_credential(), options, contexts=contexts)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2023-02-24T23:36:38Z", True),
        ("2023-02-24T23:36:38.123Z", True),
        ("2023-02-24T23:36:38+05:30", True),
        ("2023-02-24T23:36:38", True),
        ("2023-02-30T23:36:38Z", False),
        ("2023-02-24 23:36:38Z", False),
        ("2023-02-24T23:36Z", False),
        ("2023-02-24", False),
    ],
)
def test_is_xsd_datetime(value: str, valid: bool) -> None:
    assert data_integrity.is_xsd_datetime(value) is valid
