"""DPoP proofs (RFC 9449): access tokens bound to a key the wallet holds.

https://www.rfc-editor.org/rfc/rfc9449 — the wallet signs a `dpop+jwt` for each request with
its own key (carried as a public `jwk` in the header). At the token endpoint a valid proof
binds the new access token to that key (its RFC 7638 thumbprint, `cnf.jkt`; `token_type`
`DPoP`); at the credential endpoint a DPoP-bound token is accepted only with a proof by the
same key that also carries `ath`, the hash of the token (§7.1). Each proof's `jti` is used
once: it is kept (hashed with the key's thumbprint) until the proof is too old to be
accepted anyway. Errors are the RFC's: `invalid_dpop_proof` for the proof, `invalid_token`
for a token used without its key (§7.1, §7.2), with a `DPoP` challenge naming our algorithms.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.crypto import jws
from app.crypto.errors import CryptoError, JoseError
from app.crypto.multibase import encode_base64url
from app.wallet.errors import OAuthError
from app.wallet.metadata import DPOP_ALGORITHMS
from app.wallet.models import DpopProofUse
from app.wallet.sd_jwt_vc import jwk_thumbprint

TYP: Final = "dpop+jwt"
MAX_AGE: Final = timedelta(minutes=5)
LEEWAY: Final = timedelta(minutes=1)
MAX_JTI_LENGTH: Final = 200
# Longer than any proof is accepted: its iat may be up to LEEWAY ahead of the clock.
KEPT_FOR: Final = MAX_AGE + 2 * LEEWAY


@dataclass(frozen=True, slots=True)
class DpopProof:
    """A checked DPoP proof: the thumbprint of its key (`jkt`) and its `jti`."""

    jkt: str
    jti: str


def single_proof(values: list[str] | None, *, status: int) -> str | None:
    """The request's one `DPoP` header, or None; two or more are an error (§4.3 check 1)."""
    if not values:
        return None
    if len(values) > 1:
        raise proof_error("Send one DPoP header.", status=status)
    return values[0]


def verify_proof(
    proof: str,
    *,
    method: str,
    url: str,
    now: datetime,
    access_token: str | None = None,
    status: int = 400,
) -> DpopProof:
    """Check a DPoP proof JWT as RFC 9449 §4.3 lists (and `ath` for `access_token`, §7.1);
    `invalid_dpop_proof` (HTTP `status`) for anything wrong. The `jti` is the caller's to
    spend (`spend_jti`)."""
    try:
        token = jws.decode(proof)
    except CryptoError as error:
        raise proof_error(error.detail, status=status) from error
    header, claims = token.header, token.payload
    if header.get("typ") != TYP:
        raise proof_error(f"The DPoP proof's typ is not {TYP}.", status=status)
    if header.get("alg") not in DPOP_ALGORITHMS:
        raise proof_error(f"The DPoP proof's alg is not one of {DPOP_ALGORITHMS}.", status=status)
    try:
        public_key = jws.public_key_from_jwk(header.get("jwk"))
        jws.verify(token, public_key)
    except JoseError as error:
        raise proof_error(error.detail, status=status) from error
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise proof_error("The DPoP proof has no usable jti.", status=status)
    if claims.get("htm") != method:
        raise proof_error(f"The DPoP proof's htm is not {method}.", status=status)
    if not isinstance(claims.get("htu"), str) or _target(claims["htu"]) != _target(url):
        raise proof_error(f"The DPoP proof's htu is not {url}.", status=status)
    issued_at = claims.get("iat")
    if not isinstance(issued_at, int | float) or isinstance(issued_at, bool):
        raise proof_error("The DPoP proof has no iat.", status=status)
    moment = now.timestamp()
    if issued_at > moment + LEEWAY.total_seconds():
        raise proof_error("The DPoP proof is issued in the future.", status=status)
    if issued_at < moment - MAX_AGE.total_seconds():
        raise proof_error("The DPoP proof is too old.", status=status)
    if access_token is not None and claims.get("ath") != access_token_hash(access_token):
        raise proof_error("The DPoP proof's ath is not the access token's hash.", status=status)
    return DpopProof(jkt=jwk_thumbprint(jws.public_key_to_jwk(public_key)), jti=jti)


def spend_jti(session: Session, proof: DpopProof, *, now: datetime, status: int = 400) -> None:
    """Record the proof's `jti` for its key; a `jti` seen before is a replay (§11.1)."""
    session.execute(delete(DpopProofUse).where(DpopProofUse.expires_at <= now))
    key = hashlib.sha256(f"{proof.jkt}:{proof.jti}".encode()).hexdigest()
    replayed = proof_error("The DPoP proof was used before.", status=status)
    if session.scalar(select(DpopProofUse.jti_hash).where(DpopProofUse.jti_hash == key)):
        raise replayed
    try:
        with session.begin_nested():
            session.add(DpopProofUse(jti_hash=key, expires_at=now + KEPT_FOR))
            session.flush()
    except IntegrityError as error:  # the same proof in a concurrent request
        raise replayed from error


def access_token_hash(access_token: str) -> str:
    """`ath`: base64url of the SHA-256 of the access token's ASCII (§4.2)."""
    return encode_base64url(hashlib.sha256(access_token.encode("ascii")).digest())[1:]


def proof_error(description: str, *, status: int) -> OAuthError:
    """`invalid_dpop_proof`: 400 at the token endpoint, 401 at the credential endpoint."""
    return OAuthError("invalid_dpop_proof", description, status=status, scheme="DPoP")


def _target(url: str) -> tuple[str, str, str]:
    """An HTTP URI compared as §4.3 says: without query and fragment, scheme and host in
    lower case, the default port dropped."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    default = {"https": 443, "http": 80}.get(scheme)
    try:
        port = parts.port
    except ValueError:
        return ("", "", "")
    host = (parts.hostname or "").lower()
    netloc = host if port in (None, default) else f"{host}:{port}"
    return scheme, netloc, parts.path or "/"
