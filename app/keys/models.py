"""Public metadata of the issuer's signing keys (the private halves live in the key store)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class KeyStatus(StrEnum):
    """`active` signs; `published` only verifies; `retired` is withdrawn (e.g. compromise)."""

    active = "active"
    published = "published"
    retired = "retired"


class KeyAlgorithm(StrEnum):
    """The JWS algorithm a key signs with: EdDSA (Ed25519) for Data Integrity, vc+jwt and
    wallets; ES256 (P-256) for wallets only (HAIP makes it mandatory)."""

    eddsa = "EdDSA"
    es256 = "ES256"


class KeyPurpose(StrEnum):
    """The DID document relationship a key is listed under, and what it may sign.

    `assertion` keys (`assertionMethod`) sign credentials and status lists; the
    `authentication` key signs the verifier's OpenID4VP Request Objects (client identifier
    `decentralized_identifier:`) and nothing else: it is in neither `assertionMethod` nor the
    JWKS, so no verifier (ours included) takes a credential it signed.
    """

    assertion = "assertion"
    authentication = "authentication"


class SigningKey(Base):
    """One Ed25519 or P-256 key of the issuer's DID document."""

    __tablename__ = "signing_key"
    # At most one active key per algorithm and purpose, even if two rotations race.
    __table_args__ = (
        Index(
            "uq_signing_key_one_active",
            "algorithm",
            "purpose",
            "status",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(128), unique=True)
    public_key_multibase: Mapped[str] = mapped_column(String(128))
    algorithm: Mapped[str] = mapped_column(
        String(16), default=KeyAlgorithm.eddsa.value, server_default=KeyAlgorithm.eddsa.value
    )
    purpose: Mapped[str] = mapped_column(
        String(16), default=KeyPurpose.assertion.value, server_default=KeyPurpose.assertion.value
    )
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    retired_reason: Mapped[str | None] = mapped_column(String(1000))
