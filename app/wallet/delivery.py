"""The credential endpoint's work: which credential, in which form, if it is still good.

The stored Open Badges 3.0 credential is served as signed (`ldp_vc`, `jwt_vc_json`); the
`dc+sd-jwt` form is made here, one SD-JWT VC per JWT key proof, each bound to its proof's
key and with its own Token Status List entry. Every proof carries a `c_nonce` of the nonce
endpoint: wallets put the same one in all the proofs of a batch request, so each nonce of a
request is spent once, here. One bad proof fails the whole request, and nothing of it is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.credentials.models import Credential, CredentialStatus
from app.keys.service import KeyCache
from app.standards.models import Standard
from app.wallet import metadata, offers
from app.wallet.errors import OAuthError
from app.wallet.key_proofs import verify_key_proof
from app.wallet.models import CredentialOffer
from app.wallet.sd_jwt_vc import issue_sd_jwt_vc


def deliver(
    session: Session,
    *,
    offer: CredentialOffer,
    request: dict[str, Any] | None,
    issuer: str,
    keys: KeyCache,
    now: datetime,
) -> list[dict[str, Any]]:
    """The `credentials` of a credential response for `offer` (OpenID4VCI 1.0 §8.3)."""
    if not request:
        raise OAuthError("invalid_credential_request", "The request body is a JSON object.")
    if "credential_identifier" in request:
        raise OAuthError(
            "unknown_credential_identifier", "No credential identifiers are issued here."
        )
    configuration = request.get("credential_configuration_id")
    credential = session.get(Credential, offer.credential_id)
    if credential is None:
        raise OAuthError("credential_request_denied", "The offered credential is gone.")
    offered = metadata.offered_configurations(credential.standard.code)
    if configuration not in offered:
        raise OAuthError(
            "unknown_credential_configuration", f"Ask for one of {', '.join(offered)}."
        )
    if not is_current(credential, now=now):
        raise OAuthError(
            "credential_request_denied", "The credential is revoked, suspended or not valid now."
        )
    if configuration == metadata.LDP_VC:
        return [{"credential": credential.document}]
    if configuration == metadata.JWT_VC_JSON:
        return [{"credential": credential.jwt}]
    holder_keys = []
    nonces: list[Any] = []
    for proof in _jwt_proofs(request):
        checked = verify_key_proof(proof, audience=issuer, now=now)
        if checked.nonce not in nonces:
            nonces.append(checked.nonce)
        holder_keys.append(checked.jwk)
    for nonce in nonces:
        offers.use_nonce(session, nonce, now=now)
    return [
        {
            "credential": issue_sd_jwt_vc(
                session,
                credential=credential,
                holder_jwk=jwk,
                base_url=issuer,
                now=now,
                keys=keys,
            )
        }
        for jwk in holder_keys
    ]


def offered_configurations(session: Session, offer: CredentialOffer) -> list[str]:
    """The configuration ids an offer names (its credential's standard's SD-JWT VC first)."""
    code = session.scalar(
        select(Standard.code)
        .join(Credential, Credential.standard_id == Standard.id)
        .where(Credential.id == offer.credential_id)
    )
    return metadata.offered_configurations(code) if code else list(metadata.CONFIGURATION_IDS)


def _jwt_proofs(request: dict[str, Any]) -> list[Any]:
    proofs = request.get("proofs")
    if not isinstance(proofs, dict) or not isinstance(proofs.get("jwt"), list) or not proofs["jwt"]:
        raise OAuthError("invalid_proof", 'This configuration needs proofs: {"jwt": [...]}.')
    jwts: list[Any] = proofs["jwt"]
    if set(proofs) != {"jwt"}:
        raise OAuthError("invalid_proof", "Only jwt key proofs are supported.")
    if len(jwts) > metadata.BATCH_SIZE:
        raise OAuthError(
            "invalid_credential_request", f"At most {metadata.BATCH_SIZE} proofs per request."
        )
    return jwts


def is_current(credential: Credential, *, now: datetime) -> bool:
    """Whether `credential` is active and within its validity period at `now`."""
    return (
        credential.status == CredentialStatus.active.value
        and credential.valid_from <= now
        and (credential.valid_until is None or now < credential.valid_until)
    )
