"""JWT key proofs (OpenID4VCI 1.0 Appendix F.1): the wallet shows it holds the key to bind.

A proof is a JWS with `typ` `openid4vci-proof+jwt`, signed by the holder's key, which the
header carries as `jwk` (a public key: a private member is refused) or names as a `kid`
that is a `did:key` DID URL. Exactly one of `jwk`, `kid`, `x5c`; `x5c` is not supported here.
Its claims: `aud` = the credential issuer identifier, `iat` recent, `nonce` a `c_nonce` of
ours (spent by the caller). The algorithm is the key's own (EdDSA or ES256): `none`, HMAC
and anything else are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from app.crypto import jws
from app.crypto.errors import CryptoError, InvalidMultikeyError, JoseError
from app.crypto.multikey import public_key_from_did_key
from app.wallet.errors import OAuthError

PROOF_TYP: Final = "openid4vci-proof+jwt"
MAX_AGE: Final = timedelta(minutes=5)
LEEWAY: Final = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class KeyProof:
    """A verified key proof: the holder's public key (as a JWK) and the nonce it carried."""

    jwk: dict[str, str]
    nonce: Any


def verify_key_proof(proof: Any, *, audience: str, now: datetime) -> KeyProof:
    """Check one JWT key proof; `invalid_proof` for anything wrong (the nonce is the caller's
    to spend)."""
    if not isinstance(proof, str):
        raise OAuthError("invalid_proof", "A JWT key proof is a compact JWS string.")
    try:
        token = jws.decode(proof)
    except CryptoError as error:
        raise OAuthError("invalid_proof", error.detail) from error
    header = token.header
    if header.get("typ") != PROOF_TYP:
        raise OAuthError("invalid_proof", f"The key proof's typ is not {PROOF_TYP}.")
    named = [name for name in ("jwk", "kid", "x5c") if name in header]
    if len(named) != 1:
        raise OAuthError("invalid_proof", "A key proof names its key with one of jwk, kid, x5c.")
    public_key = _public_key(header)
    try:
        jws.verify(token, public_key)
    except JoseError as error:
        raise OAuthError("invalid_proof", error.detail) from error
    claims = token.payload
    if claims.get("aud") != audience:
        raise OAuthError("invalid_proof", f"The key proof's aud is not {audience}.")
    issued_at = claims.get("iat")
    if not isinstance(issued_at, int | float) or isinstance(issued_at, bool):
        raise OAuthError("invalid_proof", "The key proof has no iat.")
    moment = now.timestamp()
    if issued_at > moment + LEEWAY.total_seconds():
        raise OAuthError("invalid_proof", "The key proof is issued in the future.")
    if issued_at < moment - MAX_AGE.total_seconds():
        raise OAuthError("invalid_proof", "The key proof is too old.")
    return KeyProof(jwk=jws.public_key_to_jwk(public_key), nonce=claims.get("nonce"))


def _public_key(header: dict[str, Any]) -> jws.PublicKey:
    if "x5c" in header:
        raise OAuthError("invalid_proof", "x5c key proofs are not supported; send jwk.")
    if "jwk" in header:
        try:
            return jws.public_key_from_jwk(header["jwk"])
        except JoseError as error:
            raise OAuthError("invalid_proof", error.detail) from error
    kid = header["kid"]
    if not isinstance(kid, str) or not kid.startswith("did:key:"):
        raise OAuthError("invalid_proof", "A kid must be a did:key DID URL; or send jwk.")
    try:
        return public_key_from_did_key(kid)
    except InvalidMultikeyError as error:
        raise OAuthError("invalid_proof", error.detail) from error
