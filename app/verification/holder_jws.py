"""The holder proof of an enveloped presentation: a VC-JOSE `vp+jwt` by the holder's key.

https://www.w3.org/TR/vc-jose-cose/#securing-vps-with-jose — the JWS is the holder's proof.
The challenge and domain a verifier asks for are the JWT `nonce` and `aud` claims
(RFC 7519 §4.1.3, OpenID's `nonce`): when asked for, they must be there and equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.crypto.did import did_of
from app.crypto.errors import JoseError
from app.crypto.jose import CompactJws, verify_vp_jwt
from app.verification.checks import Check, CheckName, Code
from app.verification.proof_checks import proof_failed, proof_passed

Key = TypeVar("Key")


def _audience_has(aud: Any, domain: str) -> bool:
    return aud == domain or (isinstance(aud, list) and domain in aud)


def challenged_holder_key(
    claims: Mapping[str, Any],
    kid: str,
    *,
    challenge: str | None,
    domain: str | None,
    key_for: Callable[[str], Key | None],
    jwt_kind: str,
) -> Key | Check:
    """The holder's key `kid` of a presentation JWT (`jwt_kind`: `vp+jwt`, `JWT`) once its
    `nonce` and `aud` are the challenge and domain asked for; else the failed check."""
    if (challenge is not None and claims.get("nonce") != challenge) or (
        domain is not None and not _audience_has(claims.get("aud"), domain)
    ):
        return proof_failed(
            Code.challenge_mismatch,
            f"The {jwt_kind}'s nonce or aud is not the challenge or domain.",
        )
    key = key_for(kid)
    if key is None:
        return Check.unknown(
            CheckName.proof,
            Code.holder_key_unresolvable,
            f"The holder key {kid} cannot be resolved offline (only did:key and trusted DIDs).",
        )
    return key


def check_holder_jws(
    jws: CompactJws,
    *,
    holder: str | None,
    challenge: str | None,
    domain: str | None,
    key_for: Callable[[str], Ed25519PublicKey | None],
) -> Check:
    """The holder proof check of a vp+jwt (`key_for` resolves the header's `kid`)."""
    kid = jws.header.get("kid")
    if not isinstance(kid, str) or not kid:
        return proof_failed(Code.malformed_proof, "The vp+jwt header names no key (kid).")
    if holder is not None and did_of(kid) != holder:
        return proof_failed(Code.key_not_issuers, "The vp+jwt is not signed by the holder.")
    found = challenged_holder_key(
        jws.payload,
        kid,
        challenge=challenge,
        domain=domain,
        key_for=key_for,
        jwt_kind="vp+jwt",
    )
    if isinstance(found, Check):
        return found
    key = found

    def resolve(requested: str) -> Ed25519PublicKey:
        if requested != kid:
            raise KeyError(requested)
        return key

    try:
        verify_vp_jwt(jws, resolve_key=resolve)
    except JoseError as error:
        return proof_failed(Code.signature_mismatch, f"The vp+jwt does not verify: {error}")
    return proof_passed(f"The holder's vp+jwt matches, signed with {kid}.")


def holder_of(document: Mapping[str, Any]) -> str | None:
    """A presentation's `holder` (a string, or an object's `id`), if it names one."""
    holder = document.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None
