"""Issuer instances: identities other than the NASSC did:web that the VC API issues as."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class IssuerInstance(Base):
    """One issuing identity: a did:key and the Ed25519 key behind it.

    The private key lives in the key store under `kid`, encrypted like the issuer's own
    signing keys; the row holds only public facts.
    """

    __tablename__ = "issuer_instance"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    did: Mapped[str] = mapped_column(String(200), unique=True)
    kid: Mapped[str] = mapped_column(String(128), unique=True)
    public_key_multibase: Mapped[str] = mapped_column(String(128))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
