"""The `eddsa-rdfc-2022` Data Integrity cryptosuite: create and verify proofs.

https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022 — one function per algorithm of the spec
(transformation, proof configuration, hashing, proof serialization, proof verification),
composed by `create_proof` / `add_proof` and `verify_proof`.

Errors: creating a proof raises (`ProofGenerationError`, `ProofTransformationError`,
`UnknownContextError`). Verifying returns a `VerificationResult`: a proof that is missing,
malformed, for another purpose or suite, or whose signature does not check is an answer
(`verified=False` plus problems with spec error codes), not an exception, as the Data
Integrity "Verify Proof" algorithm specifies (https://www.w3.org/TR/vc-data-integrity/#verify-proof).
`verify_proof` raises only when the document itself cannot be processed: a context that is
not pinned (`UnknownContextError`) or content that cannot be canonicalized without loss
(`ProofTransformationError`).
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.crypto.contexts import PinnedContexts
from app.crypto.errors import (
    ProofGenerationError,
    ProofTransformationError,
    ProofVerificationError,
)
from app.crypto.multibase import MultibaseError, decode_base58btc, encode_base58btc
from app.crypto.rdfc import canonicalize

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"
SIGNATURE_LENGTH = 64

PROOF_VERIFICATION_ERROR = ProofVerificationError.code
PARSING_ERROR = "PARSING_ERROR"

# XML Schema 1.1 dateTime lexical form (https://www.w3.org/TR/xmlschema11-2/#dateTime);
# the calendar check is done by `datetime.fromisoformat` afterwards.
_XSD_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?"
)


@dataclass(frozen=True, slots=True)
class ProofProblem:
    """One failed check, named by its Data Integrity error code."""

    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The Data Integrity verification result (https://www.w3.org/TR/vc-data-integrity/#verify-proof)."""

    verified: bool
    verified_document: dict[str, Any] | None = None
    problems: tuple[ProofProblem, ...] = field(default_factory=tuple)


def format_created(created: datetime | str) -> str:
    """The proof `created` value: an XMLSchema dateTime in UTC with `Z` and no fractions.

    A string is checked and kept as given (so published vectors reproduce); a datetime must
    be timezone-aware.
    """
    if isinstance(created, str):
        if not is_xsd_datetime(created):
            raise ProofGenerationError(f"created {created!r} is not an XMLSchema dateTime")
        return created
    if created.tzinfo is None or created.utcoffset() is None:
        raise ProofGenerationError("created must be a timezone-aware datetime")
    return created.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_xsd_datetime(value: str) -> bool:
    """Whether `value` is an XMLSchema 1.1 dateTime (lexical form and calendar), years 0001–9999."""
    if _XSD_DATETIME.fullmatch(value) is None:
        return False
    try:
        # Python 3.11 parses "Z", fractions and offsets. Negative years, years past 9999 and
        # 24:00:00 are valid XML Schema but refused here: never right for a proof timestamp.
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def transformation(
    unsecured_document: Mapping[str, Any], options: Mapping[str, Any], *, contexts: PinnedContexts
) -> str:
    """Transformation: the canonical N-Quads of the unsecured document.

    https://www.w3.org/TR/vc-di-eddsa/#transformation-eddsa-rdfc-2022
    """
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofTransformationError(
            f"transformation options must have type {PROOF_TYPE} and cryptosuite {CRYPTOSUITE}"
        )
    return canonicalize(unsecured_document, contexts)


def build_proof_config(
    unsecured_document: Mapping[str, Any], options: Mapping[str, Any]
) -> dict[str, Any]:
    """Proof Configuration, steps before canonicalization: the checked proof config object.

    https://www.w3.org/TR/vc-di-eddsa/#proof-configuration-eddsa-rdfc-2022 — a clone of the
    options (without `proofValue`) whose `@context` is the document's.
    """
    proof_config = {k: v for k, v in options.items() if k != "proofValue"}
    if proof_config.get("type") != PROOF_TYPE or proof_config.get("cryptosuite") != CRYPTOSUITE:
        raise ProofGenerationError(
            f"proof configuration must have type {PROOF_TYPE} and cryptosuite {CRYPTOSUITE}"
        )
    created = proof_config.get("created")
    if created is not None and not (isinstance(created, str) and is_xsd_datetime(created)):
        raise ProofGenerationError(f"proof created {created!r} is not an XMLSchema dateTime")
    if "@context" not in unsecured_document:
        raise ProofGenerationError("the document has no @context")
    proof_config["@context"] = unsecured_document["@context"]
    return proof_config


def proof_configuration(
    unsecured_document: Mapping[str, Any], options: Mapping[str, Any], *, contexts: PinnedContexts
) -> str:
    """Proof Configuration: the canonical N-Quads of the proof config (`build_proof_config`).

    https://www.w3.org/TR/vc-di-eddsa/#proof-configuration-eddsa-rdfc-2022
    """
    return canonicalize(build_proof_config(unsecured_document, options), contexts)


def hashing(transformed_document: str, canonical_proof_config: str) -> bytes:
    """Hashing: SHA-256(canonical proof config) ‖ SHA-256(transformed document), 64 bytes.

    https://www.w3.org/TR/vc-di-eddsa/#hashing-eddsa-rdfc-2022
    """
    proof_config_hash = hashlib.sha256(canonical_proof_config.encode("utf-8")).digest()
    transformed_document_hash = hashlib.sha256(transformed_document.encode("utf-8")).digest()
    return proof_config_hash + transformed_document_hash


def proof_serialization(hash_data: bytes, *, private_key: Ed25519PrivateKey) -> bytes:
    """Proof Serialization: the 64-byte Ed25519 (pure EdDSA, RFC 8032) signature of hash_data.

    https://www.w3.org/TR/vc-di-eddsa/#proof-serialization-eddsa-rdfc-2022
    """
    return private_key.sign(hash_data)


def proof_verification(
    hash_data: bytes, proof_bytes: bytes, *, public_key: Ed25519PublicKey
) -> bool:
    """Proof Verification: whether proof_bytes is a valid Ed25519 signature of hash_data.

    https://www.w3.org/TR/vc-di-eddsa/#proof-verification-eddsa-rdfc-2022
    """
    try:
        public_key.verify(proof_bytes, hash_data)
    except InvalidSignature:
        return False
    return True


def create_proof(
    unsecured_document: Mapping[str, Any],
    options: Mapping[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    contexts: PinnedContexts,
) -> dict[str, Any]:
    """Create Proof: the proof (options plus `proofValue`) over the unsecured document.

    https://www.w3.org/TR/vc-di-eddsa/#create-proof-eddsa-rdfc-2022
    """
    proof = dict(options)
    canonical_proof_config = proof_configuration(unsecured_document, options, contexts=contexts)
    transformed_data = transformation(unsecured_document, options, contexts=contexts)
    hash_data = hashing(transformed_data, canonical_proof_config)
    proof_bytes = proof_serialization(hash_data, private_key=private_key)
    proof["proofValue"] = encode_base58btc(proof_bytes)
    return proof


def add_proof(
    unsecured_document: Mapping[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | str,
    contexts: PinnedContexts,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """Add Proof: a copy of the document secured with one eddsa-rdfc-2022 proof.

    https://www.w3.org/TR/vc-data-integrity/#add-proof — proof sets and chains are not
    supported, so a document that already has a `proof` is refused. The copy is shallow: a
    new top-level object, the input left as it was, its nested values shared with the input
    (a deep copy was a tenth of an issuance's CPU; callers copy before changing either).
    """
    if "proof" in unsecured_document:
        raise ProofGenerationError("the document already has a proof")
    if not verification_method or not proof_purpose:
        raise ProofGenerationError("verificationMethod and proofPurpose are required")
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_created(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    proof = create_proof(unsecured_document, options, private_key=private_key, contexts=contexts)
    return {**unsecured_document, "proof": proof}


def verify_proof(
    secured_document: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey,
    contexts: PinnedContexts,
    expected_proof_purpose: str = ASSERTION_METHOD,
    previous_proofs: Sequence[Mapping[str, Any]] = (),
) -> VerificationResult:
    """Verify Proof: check the document's eddsa-rdfc-2022 proof with `public_key`.

    https://www.w3.org/TR/vc-di-eddsa/#verify-proof-eddsa-rdfc-2022 and the generic checks of
    https://www.w3.org/TR/vc-data-integrity/#verify-proof. The caller resolves
    `proof.verificationMethod` to `public_key` (and checks it may assert for the issuer).
    For one proof of a chain, `previous_proofs` are the proofs its `previousProof` names:
    they are part of what it signed (https://www.w3.org/TR/vc-data-integrity/#verify-proof-sets-and-chains,
    "set inputDocument.proof to matchingProofs").
    """
    proof = secured_document.get("proof")
    if not isinstance(proof, Mapping):
        return _failed(PARSING_ERROR, "the document has no proof object (proof sets unsupported)")
    problems = _check_proof_options(proof, secured_document, expected_proof_purpose)
    proof_bytes = _decode_proof_value(proof.get("proofValue"), problems)
    if problems:
        return VerificationResult(verified=False, problems=tuple(problems))

    unsecured_document = {k: v for k, v in secured_document.items() if k != "proof"}
    if previous_proofs:
        unsecured_document["proof"] = (
            dict(previous_proofs[0]) if len(previous_proofs) == 1 else list(previous_proofs)
        )
    proof_options = {k: v for k, v in proof.items() if k != "proofValue"}
    transformed_data = transformation(unsecured_document, proof_options, contexts=contexts)
    try:
        canonical_proof_config = proof_configuration(
            unsecured_document, proof_options, contexts=contexts
        )
    except ProofGenerationError as error:
        return _failed(PROOF_VERIFICATION_ERROR, error.detail)
    hash_data = hashing(transformed_data, canonical_proof_config)
    if proof_bytes is None or not proof_verification(hash_data, proof_bytes, public_key=public_key):
        return _failed(PROOF_VERIFICATION_ERROR, "the signature does not match the document")
    verified_document = {k: v for k, v in secured_document.items() if k != "proof"}
    return VerificationResult(verified=True, verified_document=copy.deepcopy(verified_document))


def _check_proof_options(
    proof: Mapping[str, Any], document: Mapping[str, Any], expected_proof_purpose: str
) -> list[ProofProblem]:
    problems: list[ProofProblem] = []

    def fail(detail: str) -> None:
        problems.append(ProofProblem(PROOF_VERIFICATION_ERROR, detail))

    if proof.get("type") != PROOF_TYPE:
        fail(f"proof.type is {proof.get('type')!r}, expected {PROOF_TYPE}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        fail(f"proof.cryptosuite is {proof.get('cryptosuite')!r}, expected {CRYPTOSUITE}")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        fail("proof.verificationMethod is missing")
    purpose = proof.get("proofPurpose")
    if purpose != expected_proof_purpose:
        fail(f"proof.proofPurpose is {purpose!r}, expected {expected_proof_purpose}")
    for name in ("created", "expires"):
        value = proof.get(name)
        if value is not None and not (isinstance(value, str) and is_xsd_datetime(value)):
            fail(f"proof.{name} {value!r} is not an XMLSchema dateTime")
    # A proof that carries its own @context must agree with the document's: the proof
    # configuration is always canonicalized under the document's context.
    if "@context" in proof and proof["@context"] != document.get("@context"):
        fail("proof @context differs from the document's @context")
    if "@context" not in document:
        fail("the document has no @context")
    return problems


def _decode_proof_value(value: Any, problems: list[ProofProblem]) -> bytes | None:
    """The signature bytes of a `z…` proofValue, recording a problem when it is malformed."""
    if not isinstance(value, str):
        problems.append(ProofProblem(PROOF_VERIFICATION_ERROR, "proof.proofValue is missing"))
        return None
    try:
        proof_bytes = decode_base58btc(value, max_length=128)
    except MultibaseError as error:
        problems.append(ProofProblem(PROOF_VERIFICATION_ERROR, f"proof.proofValue: {error.detail}"))
        return None
    if len(proof_bytes) != SIGNATURE_LENGTH:
        problems.append(
            ProofProblem(
                PROOF_VERIFICATION_ERROR,
                f"proof.proofValue is {len(proof_bytes)} bytes, expected {SIGNATURE_LENGTH}",
            )
        )
        return None
    return proof_bytes


def _failed(code: str, detail: str) -> VerificationResult:
    return VerificationResult(verified=False, problems=(ProofProblem(code, detail),))
