"""Issuer instances: the identities the W3C VC API issues as, besides the NASSC did:web.

An instance is a `did:key` made from a fresh Ed25519 key (a national body's node, or a
conformance run whose suite resolves only did:key). Its private key goes to the key store,
encrypted like the issuer's signing keys; creating one is audited as `issuer-instance.create`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.crypto.multikey import did_key_from_public_key, public_key_to_multibase
from app.errors import NotFound
from app.issuer.models import IssuerInstance
from app.keys.store import KeyStore

TARGET_TYPE = "issuer-instance"
KEY_PREFIX = "instance-"
"""Instance keys share the key store with the issuer's signing keys; the prefix tells them
apart in the folder."""


class IssuerInstanceNotFound(NotFound):
    slug = "issuer-instance-not-found"
    title = "No such issuer instance"


def create_instance(
    session: Session, *, name: str, store: KeyStore, actor: Principal, now: datetime
) -> IssuerInstance:
    """A new did:key instance with its own key (audited as `issuer-instance.create`)."""
    private_key = Ed25519PrivateKey.generate()
    multibase = public_key_to_multibase(private_key.public_key())
    instance = IssuerInstance(
        id=str(uuid.uuid4()),
        name=name,
        did=did_key_from_public_key(private_key.public_key()),
        kid=KEY_PREFIX + multibase,
        public_key_multibase=multibase,
        created_by=actor.subject,
        created_at=now,
    )
    session.add(instance)
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="issuer-instance.create",
        target=(TARGET_TYPE, instance.id),
        after={"did": instance.did, "name": name},
        now=now,
    )
    # Saved last: a failed insert or audit leaves no orphaned private key behind.
    store.save(instance.kid, private_key)
    return instance


def list_instances(session: Session) -> Sequence[IssuerInstance]:
    """Every instance, oldest first."""
    return session.scalars(
        select(IssuerInstance).order_by(IssuerInstance.created_at, IssuerInstance.id)
    ).all()


def get_instance(session: Session, *, instance_id: str) -> IssuerInstance:
    """One instance (404 `issuer-instance-not-found`)."""
    instance = session.get(IssuerInstance, instance_id)
    if instance is None:
        raise IssuerInstanceNotFound(f"No issuer instance {instance_id}.")
    return instance


def verification_method(instance: IssuerInstance) -> str:
    """The DID URL of the instance's key (`did:key:z…#z…`)."""
    return f"{instance.did}#{instance.public_key_multibase}"
