"""Key lifecycle: generate, ensure, rotate, retire; and the signing key for this moment.

Each worker process caches decrypted private keys by key id, but reads which key is
active from the database on use, so a rotation done by one worker (or the CLI) is
honoured by every worker on its next signature.

The issuer has one active key per algorithm (`KeyAlgorithm`): Ed25519 signs everything,
P-256 (ES256) signs only the wallet formats; both are published in the DID document, under
`assertionMethod`. Apart from them, the verifier's P-256 key (`KeyPurpose.authentication`,
`ensure_verifier_key`) signs OpenID4VP Request Objects only and is listed under
`authentication` only.

Every change is an audit event (`key.*`, target `signing_key` / kid) written last in the
same transaction; without a principal (the command line) the actor is `system`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.summary import pick
from app.auth.roles import Principal
from app.crypto.jws import PrivateKey, PublicKey
from app.crypto.multikey import (
    p256_public_key_from_multibase,
    p256_public_key_to_multibase,
    public_key_from_multibase,
    public_key_to_multibase,
)
from app.errors import Conflict, NotFound, ServiceUnavailable
from app.keys.models import KeyAlgorithm, KeyPurpose, KeyStatus, SigningKey
from app.keys.store import KeyStore, KeyStoreError

TARGET_TYPE = "signing_key"


class NoSigningKey(ServiceUnavailable):
    slug = "no-signing-key"
    title = "No signing key is active"


class KeyNotFound(NotFound):
    slug = "key-not-found"
    title = "No such signing key"


class ActiveKeyCannotBeRetired(Conflict):
    slug = "active-key-cannot-be-retired"
    title = "Rotate to a new key before retiring the active one"


@dataclass(frozen=True, slots=True)
class ActiveKey:
    """The Ed25519 key that signs now."""

    kid: str
    private_key: Ed25519PrivateKey


@dataclass(frozen=True, slots=True)
class ActiveJwsKey:
    """The key of one JWS algorithm that signs now (wallet formats)."""

    kid: str
    algorithm: KeyAlgorithm
    private_key: PrivateKey


class KeyCache:
    """Decrypted private keys of this process, by key id."""

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self._keys: dict[str, PrivateKey] = {}

    def get(self, kid: str) -> PrivateKey:
        """The private key `kid`, decrypted once per process."""
        key = self._keys.get(kid)
        if key is None:
            key = self.store.load(kid)
            self._keys[kid] = key
        return key

    def forget(self, kid: str) -> None:
        """Drop a key from memory (after retirement)."""
        self._keys.pop(kid, None)

    @property
    def loaded(self) -> bool:
        """Whether any key has been decrypted in this process."""
        return bool(self._keys)


def generate_key(
    session: Session,
    *,
    store: KeyStore,
    now: datetime,
    activate: bool,
    actor: Principal | None = None,
    algorithm: KeyAlgorithm = KeyAlgorithm.eddsa,
) -> SigningKey:
    """Create a key pair, store the private half, record the public half (audited as
    `key.generate`).

    With `activate`, the new key signs from now on and the previous active key of the same
    algorithm stays published so what it signed keeps verifying.
    """
    return _generate(
        session, store=store, now=now, activate=activate, actor=actor, algorithm=algorithm
    )


def _generate(
    session: Session,
    *,
    store: KeyStore,
    now: datetime,
    activate: bool,
    actor: Principal | None,
    action: str = "key.generate",
    algorithm: KeyAlgorithm = KeyAlgorithm.eddsa,
    purpose: KeyPurpose = KeyPurpose.assertion,
) -> SigningKey:
    private_key, multibase = _new_key_pair(algorithm)
    # The key id is the multibase public key: unique by construction, self-describing.
    kid = multibase
    store.save(kid, private_key)
    key = SigningKey(
        kid=kid,
        public_key_multibase=multibase,
        algorithm=algorithm.value,
        purpose=purpose.value,
        status=KeyStatus.published.value,
        created_at=now,
    )
    session.add(key)
    session.flush()
    replaced = _activate(session, key, now=now) if activate else []
    after: dict[str, Any] = pick(key, "status", "algorithm", "purpose")
    if replaced:
        after["replaces"] = replaced
    audit_service.record_change(
        session,
        actor=actor,
        action=action,
        target=(TARGET_TYPE, key.kid),
        before=None,
        after=after,
        now=now,
    )
    return key


def _new_key_pair(algorithm: KeyAlgorithm) -> tuple[PrivateKey, str]:
    if algorithm is KeyAlgorithm.es256:
        p256 = ec.generate_private_key(ec.SECP256R1())
        return p256, p256_public_key_to_multibase(p256.public_key())
    ed25519 = Ed25519PrivateKey.generate()
    return ed25519, public_key_to_multibase(ed25519.public_key())


def _activate(session: Session, key: SigningKey, *, now: datetime) -> list[str]:
    """Make `key` the active one of its algorithm and purpose; returns the key ids it
    replaced (now only published)."""
    replaced = []
    for current in session.scalars(
        select(SigningKey).where(
            SigningKey.status == KeyStatus.active.value,
            SigningKey.algorithm == key.algorithm,
            SigningKey.purpose == key.purpose,
        )
    ):
        if current.id != key.id:
            current.status = KeyStatus.published.value
            current.deactivated_at = now
            replaced.append(current.kid)
    key.status = KeyStatus.active.value
    key.activated_at = now
    session.flush()
    return replaced


def _active_of(
    algorithm: KeyAlgorithm, purpose: KeyPurpose = KeyPurpose.assertion
) -> Select[SigningKey]:
    return select(SigningKey).where(
        SigningKey.status == KeyStatus.active.value,
        SigningKey.algorithm == algorithm.value,
        SigningKey.purpose == purpose.value,
    )


def ensure_key(
    session: Session,
    *,
    store: KeyStore,
    now: datetime,
    actor: Principal | None = None,
    algorithm: KeyAlgorithm = KeyAlgorithm.eddsa,
    purpose: KeyPurpose = KeyPurpose.assertion,
) -> tuple[SigningKey, bool]:
    """The active key of `algorithm` (and `purpose`), creating one if none exists; the flag
    says whether one was created.

    Only a creation is audited (`key.create`).
    """
    active = session.scalar(_active_of(algorithm, purpose))
    if active is not None:
        store.load(active.kid)  # fails loudly if the private half is missing or unreadable
        return active, False
    key = _generate(
        session,
        store=store,
        now=now,
        activate=True,
        actor=actor,
        action="key.create",
        algorithm=algorithm,
        purpose=purpose,
    )
    return key, True


def ensure_keys(
    session: Session, *, store: KeyStore, now: datetime, actor: Principal | None = None
) -> list[tuple[SigningKey, bool]]:
    """`ensure_key` for every algorithm: an active Ed25519 key and an active P-256 key."""
    return [
        ensure_key(session, store=store, now=now, actor=actor, algorithm=algorithm)
        for algorithm in KeyAlgorithm
    ]


def ensure_verifier_key(
    session: Session, *, store: KeyStore, now: datetime, actor: Principal | None = None
) -> tuple[SigningKey, bool]:
    """`ensure_key` for the verifier's P-256 key (`KeyPurpose.authentication`)."""
    return ensure_key(
        session,
        store=store,
        now=now,
        actor=actor,
        algorithm=KeyAlgorithm.es256,
        purpose=KeyPurpose.authentication,
    )


def rotate_key(
    session: Session,
    *,
    algorithm: KeyAlgorithm = KeyAlgorithm.eddsa,
    purpose: KeyPurpose = KeyPurpose.assertion,
    store: KeyStore,
    now: datetime,
    actor: Principal | None = None,
) -> SigningKey:
    """A new active key of `algorithm` and `purpose`; the old one stays published for
    verification (audited as `key.rotate`)."""
    return _generate(
        session,
        store=store,
        now=now,
        activate=True,
        actor=actor,
        action="key.rotate",
        algorithm=algorithm,
        purpose=purpose,
    )


def retire_key(
    session: Session,
    *,
    store: KeyStore,
    kid: str,
    reason: str,
    now: datetime,
    actor: Principal | None = None,
) -> SigningKey:
    """Withdraw a key from publication (e.g. after compromise) and destroy its private half
    (audited as `key.retire`, with the reason)."""
    key = session.scalar(select(SigningKey).where(SigningKey.kid == kid))
    if key is None:
        raise KeyNotFound(f"No key with id {kid}.")
    if key.status == KeyStatus.active.value:
        raise ActiveKeyCannotBeRetired("Rotate first, then retire the old key.")
    before = pick(key, "status")
    key.status = KeyStatus.retired.value
    key.retired_at = now
    key.retired_reason = reason
    session.flush()
    after = {"status": key.status, "reason": reason}
    audit_service.record_change(
        session,
        actor=actor,
        action="key.retire",
        target=(TARGET_TYPE, key.kid),
        before=before,
        after=after,
        now=now,
    )
    # Destroyed only once every database write has succeeded: a failed retirement must not
    # leave a published key without its private half.
    store.destroy(kid)
    return key


def list_keys(session: Session) -> list[SigningKey]:
    """Every key, newest first."""
    return list(session.scalars(select(SigningKey).order_by(SigningKey.id.desc())))


def published_keys(
    session: Session,
    *,
    algorithm: KeyAlgorithm | None = KeyAlgorithm.eddsa,
    purpose: KeyPurpose = KeyPurpose.assertion,
) -> list[SigningKey]:
    """The keys a verifier may use: active and published, oldest first; of one algorithm
    (Ed25519 unless told), or of every algorithm with `algorithm=None`; credential-signing
    keys unless `purpose` says otherwise."""
    query = select(SigningKey).where(
        SigningKey.status.in_([KeyStatus.active.value, KeyStatus.published.value]),
        SigningKey.purpose == purpose.value,
    )
    if algorithm is not None:
        query = query.where(SigningKey.algorithm == algorithm.value)
    return list(session.scalars(query.order_by(SigningKey.id)))


def active_key(session: Session, *, cache: KeyCache) -> ActiveKey:
    """The Ed25519 key to sign with now (Data Integrity, vc+jwt, status lists)."""
    return ed25519_key(active_jws_key(session, cache=cache, algorithm=KeyAlgorithm.eddsa))


def ed25519_key(active: ActiveJwsKey) -> ActiveKey:
    """`active` as the Ed25519 key it must be (`KeyStoreError` if its private half is not)."""
    if not isinstance(active.private_key, Ed25519PrivateKey):
        raise KeyStoreError(f"the private key {active.kid} is not an Ed25519 key")
    return ActiveKey(kid=active.kid, private_key=active.private_key)


def active_jws_key(
    session: Session,
    *,
    cache: KeyCache,
    algorithm: KeyAlgorithm,
    purpose: KeyPurpose = KeyPurpose.assertion,
) -> ActiveJwsKey:
    """The key of `algorithm` (and `purpose`) to sign with now."""
    keys = active_jws_keys(session, cache=cache, algorithms=(algorithm,), purpose=purpose)
    return required_key(keys, algorithm=algorithm, purpose=purpose)


def active_jws_keys(
    session: Session,
    *,
    cache: KeyCache,
    algorithms: Sequence[KeyAlgorithm],
    purpose: KeyPurpose = KeyPurpose.assertion,
) -> dict[KeyAlgorithm, ActiveJwsKey]:
    """The active key of each of `algorithms` (and `purpose`), in one statement; an
    algorithm with no active key is left out."""
    rows = session.execute(
        select(SigningKey.kid, SigningKey.algorithm).where(
            SigningKey.status == KeyStatus.active.value,
            SigningKey.algorithm.in_([algorithm.value for algorithm in algorithms]),
            SigningKey.purpose == purpose.value,
        )
    )
    keys: dict[KeyAlgorithm, ActiveJwsKey] = {}
    for kid, value in rows:
        algorithm = KeyAlgorithm(value)
        keys.setdefault(algorithm, ActiveJwsKey(kid, algorithm, cache.get(kid)))
    return keys


def required_key(
    keys: dict[KeyAlgorithm, ActiveJwsKey],
    *,
    algorithm: KeyAlgorithm,
    purpose: KeyPurpose = KeyPurpose.assertion,
) -> ActiveJwsKey:
    """The key of `algorithm` among `keys`, or `NoSigningKey` (503) when none is active."""
    active = keys.get(algorithm)
    if active is None:
        raise NoSigningKey(
            f"No {algorithm.value} {purpose.value} key is active: run `nassc keys ensure`."
        )
    return active


def public_key_of(key: SigningKey) -> Ed25519PublicKey:
    """The Ed25519 public key a key record publishes (an Ed25519 record only)."""
    return public_key_from_multibase(key.public_key_multibase)


def jws_public_key_of(key: SigningKey) -> PublicKey:
    """The public key (Ed25519 or P-256) a key record publishes."""
    if key.algorithm == KeyAlgorithm.es256.value:
        return p256_public_key_from_multibase(key.public_key_multibase)
    return public_key_from_multibase(key.public_key_multibase)


def check_key_store(session: Session, *, store: KeyStore) -> None:
    """At startup: the store takes a write, and the active key (if any) loads; raises
    `KeyStoreError` saying what is wrong."""
    store.check()
    for kid in session.scalars(
        select(SigningKey.kid).where(SigningKey.status == KeyStatus.active.value)
    ):
        try:
            store.load(kid)
        except KeyStoreError as error:
            raise KeyStoreError(
                f"{error} (check NASSC_KEY_PASSPHRASE and NASSC_KEYS_DIR)"
            ) from None
