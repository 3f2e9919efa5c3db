"""SD-JWT VC verification: the six checks of any credential, for `application/dc+sd-jwt`.

https://datatracker.ietf.org/doc/draft-ietf-oauth-sd-jwt-vc/ and RFC 9901 §7. Order of work:

1. `issuer` — `iss` (an https URL, read as its did:web, or a DID) must be in the trust
   registry; otherwise nothing else is believable (as for every form).
2. `proof` — the issuer JWT's signature with the issuer key its `kid` names (Ed25519 or
   P-256: the algorithm is the key's, never the token's, so `alg: none` is refused), then
   every disclosure against the signed digests (an edited disclosure, or one no digest
   references, is `disclosure-mismatch`: tampering, never silently dropped), then the Key
   Binding JWT: required and checked against the verifier's `KeyBindingExpectation`
   (audience, nonce, freshness of `iat`, `sd_hash`) when one is given; when none is given
   but the holder sent one, its signature by `cnf.jwk` and its `sd_hash` are still checked.
3. `schema` — the SD-JWT VC rules (`app.verification.sd_jwt_vc_rules`).
4. `validity` from `nbf` / `exp`; `revocation` / `suspension` from the Token Status List
   (`app.verification.token_status`) — only on the verified claims.

The verification's `document` is the verified claims (everything disclosed, no digests), and
its `selective_disclosure` says what the holder disclosed and withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from app.crypto import jws, sd_jwt
from app.crypto.did import did_of
from app.crypto.errors import JoseError, SdJwtError
from app.crypto.sd_jwt import KeyBindingExpectation, VerifiedSdJwt
from app.verification.checks import Check, CheckName, Code
from app.verification.disclosures import TypeMetadataSource, selective_disclosure
from app.verification.forms import SD_JWT_VC_TYPS, CredentialInput
from app.verification.proof_checks import proof_failed, proof_passed
from app.verification.results import CredentialVerification, credential_result, unverified_result
from app.verification.sd_jwt_vc_rules import check_sd_jwt_vc_schema, issuer_did
from app.verification.status_sources import StatusListSource
from app.verification.token_status import check_token_status
from app.verification.trust import KeyResolver, TrustedKeys, TrustRegistry
from app.verification.validity import check_validity

UNBOUND_MAX_AGE_SECONDS: Final = 100 * 365 * 86_400
"""With no expectation, a Key Binding JWT's age is not held against it (nothing to replay)."""


def verify_sd_jwt_vc(
    item: CredentialInput,
    *,
    registry: TrustRegistry,
    status_lists: StatusListSource,
    types: TypeMetadataSource,
    now: datetime,
    key_binding: KeyBindingExpectation | None = None,
    resolver: KeyResolver | None = None,
) -> CredentialVerification:
    """Every check of one SD-JWT VC (`item.form` is `Form.sd_jwt_vc`), and its outcome."""
    payload = item.claimed
    serialized = item.token or ""
    _, presented, kb_text = sd_jwt.split(serialized)
    vct = payload.get("vct")
    metadata = types.lookup(vct) if isinstance(vct, str) else None
    schema = check_sd_jwt_vc_schema(
        payload,
        presented,
        key_bound=kb_text is not None,
        known_type=metadata is not None,
        named_standard=types.standard_code_of(vct) if isinstance(vct, str) else None,
    )
    claimed = payload.get("iss")
    claimed_issuer = claimed if isinstance(claimed, str) and claimed else None
    if claimed_issuer is None:
        issuer = Check.failed(CheckName.issuer, Code.missing_issuer, "The SD-JWT VC has no iss.")
        return _unverified(item, issuer, schema, None, None)
    did = issuer_did(claimed_issuer)
    trusted = registry.lookup(did) if did is not None else None
    keys = trusted
    if keys is None and resolver is not None and did is not None:
        keys = resolver(did)
    issuer = _issuer_check(claimed_issuer, trusted, resolved=keys is not None)
    if keys is None:
        return _unverified(item, issuer, schema, claimed_issuer, None)
    proof, verified = _proof(item, keys, key_binding, now=now)
    if verified is None:
        return _unverified(item, issuer, schema, claimed_issuer, trusted, proof)
    validity = check_validity(verified.claims, now=now, jwt_claims=verified.claims)
    status = check_token_status(verified.claims, issuer=keys, source=status_lists, now=now)
    checks = (proof, issuer, validity, status.revocation, status.suspension, schema)
    return credential_result(
        item,
        checks,
        claimed_issuer,
        trusted,
        document=verified.claims,
        proof=item.header,
        status_entries=status.entries,
        selective_disclosure=selective_disclosure(
            payload,
            verified.claims,
            verified.disclosures,
            key_binding=verified.key_binding,
            type_metadata=metadata,
        ),
    )


def _issuer_check(claimed: str, trusted: TrustedKeys | None, *, resolved: bool) -> Check:
    if trusted is None:
        detail = (
            f"The issuer {claimed} is not in the trust registry; its key was resolved from "
            "the DID itself."
            if resolved
            else f"The issuer {claimed} is not in the trust registry, so its signature cannot "
            "be checked here."
        )
        return Check.failed(CheckName.issuer, Code.untrusted_issuer, detail)
    if trusted.own:
        return Check.passed(
            CheckName.issuer, Code.own_issuer, f"Issued by this service ({trusted.did})."
        )
    return Check.passed(
        CheckName.issuer,
        Code.trusted_issuer,
        f"{trusted.name} ({trusted.did}) is in the trust registry.",
    )


def _proof(
    item: CredentialInput,
    keys: TrustedKeys,
    expectation: KeyBindingExpectation | None,
    *,
    now: datetime,
) -> tuple[Check, VerifiedSdJwt | None]:
    """The proof check, and on success the verified SD-JWT (see the module docstring)."""
    header = item.header or {}
    kid = header.get("kid")
    if item.jws is None or item.token is None:  # `forms` sets both for an SD-JWT VC
        return proof_failed(Code.malformed_proof, "The SD-JWT VC could not be read."), None
    if header.get("typ") not in SD_JWT_VC_TYPS:
        detail = f"The issuer JWT's typ is {header.get('typ')!r}, not dc+sd-jwt."
        return proof_failed(Code.unsupported_proof, detail), None
    if not isinstance(kid, str) or not kid:
        return proof_failed(Code.malformed_proof, "The issuer JWT names no key (kid)."), None
    if did_of(kid) != keys.did:
        detail = f"The SD-JWT VC is signed with {kid}, which is not a key of {keys.did}."
        return proof_failed(Code.key_not_issuers, detail), None
    key = keys.jws_key(kid)
    if key is None:
        detail = f"{kid} is not a current key of the issuer (unknown or retired)."
        return proof_failed(Code.unknown_key, detail), None
    algorithm = jws.algorithm_of(key)
    accepted = {jws.EDDSA, jws.ED25519} if algorithm == jws.EDDSA else {algorithm}
    if header.get("alg") not in accepted or "crit" in header:
        detail = f"The issuer JWT's alg is {header.get('alg')!r}; {kid} signs with {algorithm}."
        return proof_failed(Code.unsupported_proof, detail), None
    try:
        jws.verify(item.jws, key)
    except JoseError:
        detail = "The issuer's signature does not match: the SD-JWT VC was altered after signing."
        return proof_failed(Code.signature_mismatch, detail), None
    if item.claimed.get("_sd_alg", sd_jwt.SD_ALG) != sd_jwt.SD_ALG:
        return proof_failed(Code.unsupported_proof, "Only _sd_alg sha-256 is supported."), None

    def resolve(_: Any) -> jws.PublicKey:
        return key

    try:
        verified = sd_jwt.verify(
            item.token, resolve_key=resolve, accepted_typ=SD_JWT_VC_TYPS, key_binding=None
        )
    except SdJwtError as error:
        detail = f"The disclosures do not match the signed credential: {error.detail}."
        return proof_failed(Code.disclosure_mismatch, detail), None
    signed = (
        f"The issuer's signature ({algorithm}, {kid}) matches, and the "
        f"{len(verified.disclosures)} disclosure(s) match its digests."
    )
    _, _, kb_text = sd_jwt.split(item.token)
    if expectation is None and kb_text is None:
        return proof_passed(signed + " No key binding was presented or asked for."), verified
    checked = expectation or _unbound_expectation(kb_text, now=now)
    if checked is None:
        detail = "The Key Binding JWT has no string aud and nonce."
        return proof_failed(Code.key_binding_failed, detail), None
    try:
        bound = sd_jwt.verify(
            item.token, resolve_key=resolve, accepted_typ=SD_JWT_VC_TYPS, key_binding=checked
        )
    except SdJwtError as error:
        return proof_failed(Code.key_binding_failed, f"Key binding: {error.detail}."), None
    if expectation is None:
        said = f"for the audience {checked.audience!r}; its audience and nonce were not asked for"
    else:
        said = "for this verifier's audience and nonce, and fresh"
    return proof_passed(f"{signed} The holder's Key Binding JWT is valid, {said}."), bound


def asked_key_binding(
    serialized: str | None, *, challenge: str | None, domain: str | None, now: datetime
) -> KeyBindingExpectation | None:
    """The key binding a verifier asks for with the VC API's `challenge` (the KB-JWT's
    `nonce`) and `domain` (its `aud`), fresh as OpenID4VP's; None when neither is asked.

    One not asked for is not checked (the KB-JWT's own value is taken); asking for either
    makes the Key Binding JWT required.
    """
    if challenge is None and domain is None:
        return None
    claims = _key_binding_claims(sd_jwt.split(serialized)[2] if serialized else None)
    claimed_audience, claimed_nonce = claims.get("aud"), claims.get("nonce")
    return KeyBindingExpectation(
        audience=domain if domain is not None else str(claimed_audience),
        nonce=challenge if challenge is not None else str(claimed_nonce),
        now=now.timestamp(),
    )


def _key_binding_claims(kb_text: str | None) -> Mapping[str, Any]:
    """What an unverified Key Binding JWT claims (nothing when there is none to read)."""
    if kb_text is None:
        return {}
    try:
        return jws.decode(kb_text).payload
    except JoseError:
        return {}


def _unbound_expectation(kb_text: str | None, *, now: datetime) -> KeyBindingExpectation | None:
    """What an unverified Key Binding JWT claims, for checking its signature and sd_hash
    when the verifier asked for no audience or nonce (None when it claims none)."""
    if kb_text is None:
        return None
    claims = _key_binding_claims(kb_text)
    audience, nonce = claims.get("aud"), claims.get("nonce")
    if not isinstance(audience, str) or not isinstance(nonce, str):
        return None
    return KeyBindingExpectation(
        audience=audience,
        nonce=nonce,
        now=now.timestamp(),
        max_age_seconds=UNBOUND_MAX_AGE_SECONDS,
    )


def _unverified(
    item: CredentialInput,
    issuer: Check,
    schema: Check,
    claimed_issuer: str | None,
    trusted: TrustedKeys | None,
    proof: Check | None = None,
) -> CredentialVerification:
    """An SD-JWT VC whose proof did not pass: its content checks are not made."""
    return unverified_result(
        item,
        proof=proof,
        issuer=issuer,
        schema=schema,
        claimed_issuer=claimed_issuer,
        trusted=trusted,
        proof_input=item.header,
    )
