"""A credential's Data Integrity proofs, one or several: the proof check of the engine.

https://www.w3.org/TR/vc-data-integrity/#verify-proof-sets-and-chains — a `proof` that is a
list is a proof set: every proof must verify. A proof naming `previousProof` (one id or a
list) is part of a chain: each proof it names must be in the set (else
PROOF_VERIFICATION_ERROR), must verify itself, and is part of what that proof signed.
Every proof is for `assertionMethod` and carries the `challenge` and `domain` the verifier
asked for, if any. At least one is by a key of the issuer; with a `resolver` (the VC API),
the others may be by any DID it resolves (a witness or endorser), and must verify too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.crypto.data_integrity import ASSERTION_METHOD, CRYPTOSUITE, PARSING_ERROR, PROOF_TYPE
from app.crypto.did import did_of
from app.crypto.errors import CryptoError, UnknownContextError
from app.verification.checks import Check, Code
from app.verification.proof_checks import issuer_key, proof_failed, proof_passed
from app.verification.proofs import Proofs
from app.verification.trust import KeyResolver, TrustedKeys

MAX_PROOFS: Final = 8
"""A larger proof set is refused: each proof costs a canonicalization."""

ProofInput = dict[str, Any] | list[Any] | None
Outcome = tuple[Check, dict[str, Any] | None, ProofInput]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check_proofs(
    document: dict[str, Any],
    trusted: TrustedKeys,
    proofs: Proofs,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    resolver: KeyResolver | None = None,
) -> Outcome:
    """The proof check; on success also the verified document (without its proofs)."""
    proof = document.get("proof")
    if proof is None:
        return proof_failed(Code.no_proof, "The credential has no proof."), None, None
    items = _as_list(proof)
    if not items or not all(isinstance(item, dict) for item in items):
        detail = "The proof must be an object or a list of objects."
        return proof_failed(Code.malformed_proof, detail), None, proof
    if len(items) > MAX_PROOFS:
        detail = f"At most {MAX_PROOFS} proofs are checked."
        return proof_failed(Code.unsupported_proof, detail), None, proof
    by_issuer = [item for item in items if _did_of(item) == trusted.did]
    if not by_issuer:
        # The issuer's key check says why (another DID's key, or none named).
        check, _ = issuer_key(items[0].get("verificationMethod"), trusted)
        return check, None, proof
    verified_document: dict[str, Any] | None = None
    for item in items:
        key_check, key = _key_of(item, trusted, resolver)
        if key is None:
            return key_check, None, proof
        check, verified_document = _check_one(
            document, item, items, key, proofs, challenge=challenge, domain=domain
        )
        if verified_document is None:
            return check, None, proof
    methods = ", ".join(str(item.get("verificationMethod")) for item in items)
    noun = "proof matches" if len(items) == 1 else f"{len(items)} proofs match"
    detail = f"The Data Integrity {noun} ({CRYPTOSUITE}), signed with {methods}."
    return proof_passed(detail), verified_document, proof


def _previous(
    proof: Mapping[str, Any], all_proofs: Sequence[dict[str, Any]]
) -> list[dict[str, Any]] | None:
    """The proofs `proof.previousProof` names, or None when one of them is missing."""
    if "previousProof" not in proof:
        return []
    wanted = _as_list(proof["previousProof"])
    matching = [item for item in all_proofs if item.get("id") in wanted]
    if not all(isinstance(name, str) for name in wanted) or len(matching) != len(wanted):
        return None
    return matching


def _did_of(proof: Mapping[str, Any]) -> str | None:
    method = proof.get("verificationMethod")
    return did_of(method) if isinstance(method, str) else None


def _key_of(
    proof: Mapping[str, Any], trusted: TrustedKeys, resolver: KeyResolver | None
) -> tuple[Check, Ed25519PublicKey | None]:
    """The key a proof names: the issuer's, or (with a resolver) another DID's."""
    method = proof.get("verificationMethod")
    did = _did_of(proof)
    if did is None or did == trusted.did or resolver is None:
        return issuer_key(method, trusted)
    other = resolver(did)
    key = other.keys.get(str(method)) if other is not None else None
    if key is None:
        return proof_failed(Code.unknown_key, f"{method} cannot be resolved here."), None
    return proof_passed(""), key


def _check_one(
    document: dict[str, Any],
    proof: dict[str, Any],
    all_proofs: Sequence[dict[str, Any]],
    key: Ed25519PublicKey,
    proofs: Proofs,
    *,
    challenge: str | None,
    domain: str | None,
) -> tuple[Check, dict[str, Any] | None]:
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        detail = (
            f"The proof is {proof.get('type')!r} / {proof.get('cryptosuite')!r}; "
            f"only {PROOF_TYPE} / {CRYPTOSUITE} is supported."
        )
        return proof_failed(Code.unsupported_proof, detail), None
    if proof.get("proofPurpose") != ASSERTION_METHOD:
        detail = f"The proof's purpose is {proof.get('proofPurpose')!r}, not {ASSERTION_METHOD}."
        return proof_failed(Code.malformed_proof, detail), None
    if (challenge is not None and proof.get("challenge") != challenge) or (
        domain is not None and proof.get("domain") != domain
    ):
        detail = "The proof's challenge or domain is not the one asked for."
        return proof_failed(Code.challenge_mismatch, detail), None
    previous = _previous(proof, all_proofs)
    if previous is None:
        detail = "The proof's previousProof names a proof that is not in the credential."
        return proof_failed(Code.malformed_proof, detail), None
    secured = {**document, "proof": proof}
    try:
        result = proofs(secured, public_key=key, previous_proofs=previous)
    except UnknownContextError as error:
        detail = f"The JSON-LD context {error.url} is not known here and is never fetched."
        return proof_failed(Code.unknown_context, detail), None
    except CryptoError as error:
        detail = f"The credential cannot be processed: {error.detail}"
        return proof_failed(Code.unprocessable, detail), None
    if result.verified and result.verified_document is not None:
        return proof_passed(""), result.verified_document
    if any(problem.code == PARSING_ERROR for problem in result.problems):
        detail = "; ".join(problem.detail for problem in result.problems)
        return proof_failed(Code.malformed_proof, detail), None
    detail = "The signature does not match the credential: it was altered after signing."
    return proof_failed(Code.signature_mismatch, detail), None
