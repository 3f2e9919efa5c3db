"""Credential offers (OpenID4VCI pre-authorized code flow) and the nonces of key proofs.

Only hashes of the secrets are stored: the pre-authorized code, the transaction code (PIN)
and the access token are shown once, to the worker or the wallet, and never again. DPoP
proofs' `jti`s are kept (hashed) for as long as a proof is accepted, to refuse a replay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class CredentialOffer(Base):
    """One offer of one credential to a wallet: single use, expiring.

    Its pre-authorized code is exchanged once for an access token (`redeemed_at`), which
    then fetches the credential in any of the offered formats until it expires.
    """

    __tablename__ = "credential_offer"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credential.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_hash: Mapped[str | None] = mapped_column(String(64))
    tx_code_length: Mapped[int | None]
    failed_tx_codes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    # RFC 9449: the thumbprint of the DPoP key the access token is bound to (`cnf.jkt`).
    token_jkt: Mapped[str | None] = mapped_column(String(43))


class KeyProofNonce(Base):
    """A `c_nonce` handed out by the nonce endpoint; a key proof may use it once."""

    __tablename__ = "key_proof_nonce"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class DpopProofUse(Base):
    """A DPoP proof's `jti` (hashed with its key's thumbprint), kept while the proof is young
    enough to be accepted, so that it is accepted once (RFC 9449 §11.1)."""

    __tablename__ = "dpop_proof_use"

    jti_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
