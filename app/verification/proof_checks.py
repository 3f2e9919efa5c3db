"""The proof check's results, and the issuer key a proof names (or why it names none)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.crypto.did import did_of
from app.verification.checks import Check, CheckName, Code
from app.verification.trust import TrustedKeys


def issuer_key(method: Any, trusted: TrustedKeys) -> tuple[Check, Ed25519PublicKey | None]:
    """The issuer's key named by a proof (or the failed check saying why there is none)."""
    if not isinstance(method, str) or not method:
        return proof_failed(Code.malformed_proof, "The proof names no verification method."), None
    if did_of(method) != trusted.did:
        return (
            proof_failed(
                Code.key_not_issuers,
                f"The credential is signed with {method}, which belongs to another DID than "
                f"its issuer {trusted.did}.",
            ),
            None,
        )
    key = trusted.keys.get(method)
    if key is None:
        return (
            proof_failed(
                Code.unknown_key,
                f"{method} is not a current key of the issuer (unknown or retired).",
            ),
            None,
        )
    return proof_passed(""), key


def proof_passed(detail: str) -> Check:
    """The passed proof check."""
    return Check.passed(CheckName.proof, Code.signature_valid, detail)


def proof_failed(code: Code, detail: str) -> Check:
    """The failed proof check, with the spec's or our code."""
    return Check.failed(CheckName.proof, code, detail)
