"""The VC Data Model 1.1 JWT encoding, accepted by the W3C VC API verifier only.

https://www.w3.org/TR/vc-data-model-1.1/#json-web-token — a JWT (media type
`application/jwt`, header `typ` `JWT` when present) whose `vc` claim holds a credential
or whose `vp` claim holds a presentation. VCDM 2.0 lets an enveloped credential or
presentation use any enveloping mechanism (§4.13); the W3C data-model suite sends this one.
Our own API and pages take VC-JOSE (`vc+jwt`) only.

The rules (§6.3.1.1, read as consistency checks, as for VC-JOSE's registered claims):
- the signature verifies with a key of the issuer (credential) or holder (presentation) that
  the header's `kid` names, in that key's one algorithm: EdDSA (Ed25519) or ES256 (P-256);
- no header chooses its own key or changes how the payload is read;
- `iss` is the issuer (credential) or the holder (presentation); `jti` the credential's
  `id`; `sub` its subject's `id`, each when both are present;
- a presentation's `nonce` is the challenge and its `aud` names the domain, when asked for;
- `nbf` and `exp` are judged by the validity check (the JWT's own claims, not the `vc`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from app.crypto import jws
from app.crypto.did import did_of
from app.crypto.errors import JoseError
from app.crypto.jose import CompactJws, issuer_id
from app.verification.checks import Check, Code
from app.verification.forms import CredentialInput
from app.verification.holder_jws import challenged_holder_key
from app.verification.proof_checks import proof_failed, proof_passed
from app.verification.trust import TrustedKeys

MEDIA_TYPE: Final = "application/jwt"
TYP: Final = "JWT"
_FORBIDDEN_HEADERS: Final = frozenset({"jwk", "jku", "x5u", "x5c", "crit", "b64"})


def check_credential_jwt(
    item: CredentialInput, keys: TrustedKeys
) -> tuple[Check, dict[str, Any] | None, dict[str, Any] | None]:
    """The proof check of a VC Data Model 1.1 JWT credential; on success also the verified
    credential (its `vc` claim) and, always, the header as the proof input."""
    token, header = item.jws, item.header or {}
    if token is None:  # `forms` sets it for this form
        return proof_failed(Code.malformed_proof, "The JWT could not be read."), None, None
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return (
            proof_failed(Code.malformed_proof, "The JWT header names no key (kid)."),
            None,
            header,
        )
    if did_of(kid) != keys.did:
        detail = f"The JWT is signed with {kid}, which belongs to another DID than its issuer."
        return proof_failed(Code.key_not_issuers, detail), None, header
    key = keys.jws_key(kid)
    if key is None:
        detail = f"{kid} is not a current key of the issuer."
        return proof_failed(Code.unknown_key, detail), None, header
    failed = _verify(token, key)
    if failed is not None:
        return failed, None, header
    credential = token.payload.get("vc")
    if not isinstance(credential, dict):
        return proof_failed(Code.malformed_proof, "The JWT has no vc claim."), None, header
    mismatch = _claims_mismatch(token.payload, credential)
    if mismatch is not None:
        return proof_failed(Code.malformed_proof, mismatch), None, header
    detail = f"The JWT (application/jwt, {header.get('alg')}) matches, signed with {kid}."
    return proof_passed(detail), credential, header


def check_presentation_jwt(
    token: CompactJws,
    *,
    holder: str | None,
    challenge: str | None,
    domain: str | None,
    key_for: Callable[[str], jws.PublicKey | None],
) -> Check:
    """The holder proof check of a VC Data Model 1.1 JWT presentation (`key_for` resolves
    the header's `kid` offline: did:key, or a trusted DID)."""
    kid = token.header.get("kid")
    if not isinstance(kid, str) or not kid:
        return proof_failed(Code.malformed_proof, "The JWT header names no key (kid).")
    issuer = token.payload.get("iss")
    if (holder is not None and did_of(kid) != holder) or (
        issuer is not None and did_of(kid) != issuer
    ):
        return proof_failed(Code.key_not_issuers, "The JWT is not signed by the holder (iss).")
    key: jws.PublicKey | Check = challenged_holder_key(
        token.payload,
        kid,
        challenge=challenge,
        domain=domain,
        key_for=key_for,
        jwt_kind="JWT",
    )
    if isinstance(key, Check):
        return key
    failed = _verify(token, key)
    return failed or proof_passed(f"The holder's JWT matches, signed with {kid}.")


def _verify(token: CompactJws, key: jws.PublicKey) -> Check | None:
    """The header rules and the signature (alg fixed by the key); None when both hold."""
    typ = token.header.get("typ")
    if typ is not None and typ != TYP:
        return proof_failed(Code.unsupported_proof, f"typ {typ!r} is not {TYP}.")
    forbidden = sorted(_FORBIDDEN_HEADERS.intersection(token.header))
    if forbidden:
        return proof_failed(Code.unsupported_proof, f"The headers {forbidden} are not accepted.")
    expected = jws.algorithm_of(key)
    accepted = {expected, jws.ED25519} if expected == jws.EDDSA else {expected}
    if token.header.get("alg") not in accepted:
        detail = f"alg {token.header.get('alg')!r} is not the key's algorithm ({expected})."
        return proof_failed(Code.unsupported_proof, detail)
    try:
        jws.verify(token, key)
    except JoseError:
        return proof_failed(
            Code.signature_mismatch,
            "The JWT signature does not match the credential: it was altered after signing.",
        )
    return None


def _claims_mismatch(claims: Mapping[str, Any], credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, Mapping) else None
    for name, value in (
        ("iss", issuer_id(credential)),
        ("jti", credential.get("id")),
        ("sub", subject_id),
    ):
        if name in claims and value is not None and claims[name] != value:
            return f"The JWT's {name} claim does not match the credential."
    return None
