"""Issuer instances: the identities the W3C VC API issues as, besides the NASSC did:web.

An instance is a fresh Ed25519 key and a DID for it: a `did:key` (a conformance run whose
suite resolves only did:key), or a `did:web` (a national body's node): either another
host's (`did:web:node.example.mx`; its admins publish the DID document this service gives
them at that host), or one on this host, `<NASSC did:web>:instances:<id>`, whose document
this service serves at `/instances/<id>/did.json`. A did:web instance's document lists its
key under `assertionMethod` only. Its private key goes to the key store, encrypted like the
issuer's signing keys; creating one is audited as `issuer-instance.create`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.crypto.did import did_web_document_url
from app.crypto.multikey import (
    did_key_from_public_key,
    public_key_from_multibase,
    public_key_to_multibase,
)
from app.errors import Conflict, NotFound, ValidationFailed
from app.issuer.identity import PublishedJwsKey, build_did_document
from app.issuer.models import IssuerInstance
from app.keys.store import KeyStore

TARGET_TYPE = "issuer-instance"
KEY_PREFIX = "instance-"
"""Instance keys share the key store with the issuer's signing keys; the prefix tells them
apart in the folder."""


class IssuerInstanceNotFound(NotFound):
    slug = "issuer-instance-not-found"
    title = "No such issuer instance"


class InvalidInstanceDid(ValidationFailed):
    slug = "invalid-instance-did"
    title = "An issuer instance's DID is a did:key made here, or a did:web of another host"


class IssuerInstanceExists(Conflict):
    slug = "issuer-instance-exists"
    title = "An issuer instance already issues as this DID"


DidMethod = Literal["key", "web"]


def _web_did(web_did: str | None, *, own_did: str, instance_id: str) -> str:
    """The did:web of a new instance: `web_did` (another host's), or one under `own_did`."""
    if web_did is None:
        return f"{own_did}:instances:{instance_id}"
    own_host = own_did.removeprefix("did:web:").split(":")[0]
    if did_web_document_url(web_did) is None:
        raise InvalidInstanceDid(f"{web_did} is not a well-formed did:web.")
    if web_did.removeprefix("did:web:").split(":")[0] == own_host:
        raise InvalidInstanceDid(
            "A did:web on this host is made here: leave did out to get one under /instances/."
        )
    return web_did


def create_instance(
    session: Session,
    *,
    name: str,
    store: KeyStore,
    actor: Principal,
    now: datetime,
    own_did: str,
    did_method: DidMethod = "key",
    web_did: str | None = None,
) -> IssuerInstance:
    """A new instance with its own key (audited as `issuer-instance.create`): a did:key, or a
    did:web (`web_did`, another host's; None: one under `own_did`, the NASSC did:web)."""
    instance_id = str(uuid.uuid4())
    private_key = Ed25519PrivateKey.generate()
    multibase = public_key_to_multibase(private_key.public_key())
    did = (
        did_key_from_public_key(private_key.public_key())
        if did_method == "key"
        else _web_did(web_did, own_did=own_did, instance_id=instance_id)
    )
    instance = IssuerInstance(
        id=instance_id,
        name=name,
        did=did,
        kid=KEY_PREFIX + multibase,
        public_key_multibase=multibase,
        created_by=actor.subject,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(instance)
            session.flush()
    except IntegrityError:
        raise IssuerInstanceExists(f"An issuer instance already issues as {did}.") from None
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
    """The DID URL of the instance's key (`did:key:z…#z…`, `did:web:…#z…`)."""
    return f"{instance.did}#{instance.public_key_multibase}"


def is_web(instance: IssuerInstance) -> bool:
    """Whether the instance issues as a did:web (whose document must be published)."""
    return instance.did.startswith("did:web:")


def did_document(instance: IssuerInstance) -> dict[str, Any]:
    """A did:web instance's DID document: its one key, under `assertionMethod` only."""
    key = PublishedJwsKey(
        kid=instance.public_key_multibase,
        public_key_multibase=instance.public_key_multibase,
        public_key=public_key_from_multibase(instance.public_key_multibase),
        algorithm="EdDSA",
    )
    return build_did_document(instance.did, [key])
