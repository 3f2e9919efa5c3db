"""Credential offers, the pre-authorized code grant, and key proof nonces (OpenID4VCI 1.0).

https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html — an offer names
the credential configurations a wallet may fetch and carries a pre-authorized code (§4.1.1);
the wallet exchanges the code (and the transaction code, a PIN, when the offer has one) at
the token endpoint for an access token (§6), then fetches the credential (§8).

- The pre-authorized code is an HMAC of the offer id under the service's token secret: the
  offer can be served by reference (`credential_offer_uri`) without storing the code, and
  only its SHA-256 is kept to find the offer. Single use: the exchange marks it redeemed.
- The PIN is six digits, kept as an HMAC; after `MAX_TX_CODE_FAILURES` wrong ones the offer
  is dead. The access token (random) is kept as a SHA-256 and lives `TOKEN_LIFETIME`.
- A `c_nonce` (random, kept as a SHA-256) is good for `NONCE_LIFETIME` and one request.
- With a DPoP proof at the token endpoint the access token is bound to the proof's key
  (`app.wallet.dpop`); it is then accepted only as `DPoP` with a proof by that key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import quote, urlencode

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.credentials.models import Credential
from app.wallet import dpop
from app.wallet.errors import OAuthError
from app.wallet.metadata import PRE_AUTHORIZED_GRANT
from app.wallet.models import CredentialOffer, KeyProofNonce

OFFER_SCHEME: Final = "openid-credential-offer://"
TOKEN_LIFETIME: Final = timedelta(minutes=10)
NONCE_LIFETIME: Final = timedelta(minutes=5)
TX_CODE_LENGTH: Final = 6
MAX_TX_CODE_FAILURES: Final = 5
MIN_OFFER_LIFETIME: Final = timedelta(minutes=5)
MAX_OFFER_LIFETIME: Final = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class NewOffer:
    """An offer just made, with its one-time secrets (shown once, never stored)."""

    offer: CredentialOffer
    tx_code: str | None


def create_offer(
    session: Session,
    *,
    credential: Credential,
    actor: str,
    with_tx_code: bool,
    lifetime: timedelta,
    secret: bytes,
    now: datetime,
) -> NewOffer:
    """Offer `credential` to a wallet until `now + lifetime` (`secret`: the service's token
    secret, which keys the pre-authorized code and the PIN's HMAC)."""
    offer_id = str(uuid.uuid4())
    tx_code = (
        "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH))
        if with_tx_code
        else None
    )
    offer = CredentialOffer(
        id=offer_id,
        credential_id=credential.id,
        created_by=actor,
        code_hash=_sha256(pre_authorized_code(offer_id, secret=secret)),
        tx_code_hash=_tx_code_mac(offer_id, tx_code, secret) if tx_code else None,
        tx_code_length=TX_CODE_LENGTH if tx_code else None,
        failed_tx_codes=0,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(offer)
    session.flush()
    return NewOffer(offer=offer, tx_code=tx_code)


def pre_authorized_code(offer_id: str, *, secret: bytes) -> str:
    """The offer's pre-authorized code: HMAC-SHA-256 of its id, base64url."""
    digest = hmac.new(secret, b"openid4vci-pre-authorized-code:" + offer_id.encode(), "sha256")
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def offer_document(
    offer: CredentialOffer, *, issuer: str, configuration_ids: list[str], secret: bytes
) -> dict[str, Any]:
    """The Credential Offer object (§4.1.1) of `offer`."""
    grant: dict[str, Any] = {"pre-authorized_code": pre_authorized_code(offer.id, secret=secret)}
    if offer.tx_code_length:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": offer.tx_code_length,
            "description": "The PIN your training provider or NASSC gave you separately.",
        }
    return {
        "credential_issuer": issuer,
        "credential_configuration_ids": configuration_ids,
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def offer_links(offer_uri: str, document: dict[str, Any]) -> tuple[str, str]:
    """The wallet links of an offer: by reference and by value (§4.1)."""
    by_reference = OFFER_SCHEME + "?" + urlencode({"credential_offer_uri": offer_uri})
    by_value = (
        OFFER_SCHEME
        + "?credential_offer="
        + quote(json.dumps(document, separators=(",", ":")), safe="")
    )
    return by_reference, by_value


def find_offer(session: Session, offer_id: str, *, now: datetime) -> CredentialOffer | None:
    """A live offer (not redeemed, not expired) by id."""
    offer = session.get(CredentialOffer, offer_id) if _is_uuid(offer_id) else None
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= now:
        return None
    return offer


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An access token just granted (shown once)."""

    value: str
    expires_in: int


def redeem(
    session: Session,
    *,
    code: str,
    tx_code: str | None,
    secret: bytes,
    now: datetime,
    dpop_jkt: str | None = None,
) -> AccessToken:
    """Exchange a pre-authorized code (and PIN) for an access token, bound to the DPoP key
    whose thumbprint is `dpop_jkt` when given; errors as RFC 6749 §5.2."""
    offer = session.scalars(
        select(CredentialOffer).where(CredentialOffer.code_hash == _sha256(code)).with_for_update()
    ).one_or_none()
    if offer is None or offer.redeemed_at is not None:
        raise OAuthError("invalid_grant", "The pre-authorized code is unknown or already used.")
    if offer.expires_at <= now:
        raise OAuthError("invalid_grant", "The offer has expired.")
    if offer.failed_tx_codes >= MAX_TX_CODE_FAILURES:
        raise OAuthError("invalid_grant", "Too many wrong PINs: ask for a new offer.")
    if offer.tx_code_length is not None:
        if tx_code is None:
            raise OAuthError("invalid_request", "This offer needs its PIN (tx_code).")
        expected = offer.tx_code_hash or ""
        if not hmac.compare_digest(_tx_code_mac(offer.id, tx_code, secret), expected):
            offer.failed_tx_codes += 1
            raise OAuthError("invalid_grant", "The PIN (tx_code) is wrong.", commit=True)
    elif tx_code is not None:
        raise OAuthError("invalid_request", "This offer has no PIN; send no tx_code.")
    token = secrets.token_urlsafe(32)
    offer.redeemed_at = now
    offer.token_hash = _sha256(token)
    offer.token_expires_at = now + TOKEN_LIFETIME
    offer.token_jkt = dpop_jkt
    session.flush()
    return AccessToken(value=token, expires_in=int(TOKEN_LIFETIME.total_seconds()))


@dataclass(frozen=True, slots=True)
class Authorized:
    """The offer an access token was granted for, and the DPoP proof that came with it."""

    offer: CredentialOffer
    proof: dpop.DpopProof | None


def authorized_offer(
    session: Session,
    *,
    authorization: str | None,
    dpop_proofs: list[str] | None,
    url: str,
    now: datetime,
) -> Authorized:
    """The offer a live access token (`Authorization: Bearer ...` or `DPoP ...`) was granted
    for; 401 `invalid_token` or `invalid_dpop_proof` otherwise (RFC 6750 §3.1, RFC 9449 §7).
    A DPoP-bound token needs the DPoP scheme and a proof by its key for `POST url`."""
    scheme, _, value = (authorization or "").partition(" ")
    scheme, token = scheme.lower(), value.strip()
    challenge = "DPoP" if scheme == "dpop" else "Bearer"
    offer = (
        session.scalars(
            select(CredentialOffer).where(CredentialOffer.token_hash == _sha256(token))
        ).one_or_none()
        if scheme in ("bearer", "dpop") and token
        else None
    )
    if offer is None or offer.token_expires_at is None or offer.token_expires_at <= now:
        raise OAuthError(
            "invalid_token", "The access token is unknown or expired.", status=401, scheme=challenge
        )
    if offer.token_jkt is None:
        if scheme == "dpop":
            raise OAuthError(
                "invalid_token",
                "This access token is not DPoP-bound: send it as a Bearer token.",
                status=401,
                scheme="DPoP",
            )
        return Authorized(offer=offer, proof=None)
    if scheme != "dpop":
        raise OAuthError(
            "invalid_token",
            "This access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof.",
            status=401,
            scheme="DPoP",
        )
    sent = dpop.single_proof(dpop_proofs, status=401)
    if sent is None:
        raise dpop.proof_error("A DPoP-bound access token needs a DPoP proof.", status=401)
    proof = dpop.verify_proof(sent, method="POST", url=url, now=now, access_token=token, status=401)
    if proof.jkt != offer.token_jkt:
        raise OAuthError(
            "invalid_token",
            "The DPoP proof's key is not the one the access token is bound to.",
            status=401,
            scheme="DPoP",
        )
    dpop.spend_jti(session, proof, now=now, status=401)
    return Authorized(offer=offer, proof=proof)


def new_nonce(session: Session, *, now: datetime) -> str:
    """A fresh `c_nonce`; expired ones are cleared on the way."""
    session.execute(delete(KeyProofNonce).where(KeyProofNonce.expires_at <= now))
    nonce = secrets.token_urlsafe(24)
    session.add(KeyProofNonce(nonce_hash=_sha256(nonce), expires_at=now + NONCE_LIFETIME))
    session.flush()
    return nonce


def use_nonce(session: Session, nonce: Any, *, now: datetime) -> None:
    """Spend a `c_nonce` for one key proof; `invalid_nonce` when unknown, used or expired."""
    if not isinstance(nonce, str) or not nonce:
        raise OAuthError("invalid_nonce", "The key proof has no nonce from the nonce endpoint.")
    spent = session.execute(
        update(KeyProofNonce)
        .where(
            KeyProofNonce.nonce_hash == _sha256(nonce),
            KeyProofNonce.used_at.is_(None),
            KeyProofNonce.expires_at > now,
        )
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise OAuthError("invalid_nonce", "The nonce is unknown, used already, or expired.")


def _tx_code_mac(offer_id: str, tx_code: str, secret: bytes) -> str:
    message = f"openid4vci-tx-code:{offer_id}:{tx_code}".encode()
    return hmac.new(secret, message, "sha256").hexdigest()


def _sha256(value: str | None) -> str:
    return hashlib.sha256((value or "").encode("utf-8")).hexdigest()


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False
