"""The trust registry as the engine sees it: which DIDs are trusted, with which keys.

Two sources, never the network:
- this service's own DID, with the keys it publishes now (active and published; a retired
  key is no longer trusted), read from the database and kept per app for a few seconds
  (`caches.OWN_KEYS_SECONDS`; a rotation or retirement in this process is seen at once);
- DIDs staff added (`TrustedIssuer`), each with its DID document pinned at the time.

Only keys referenced from a DID document's `assertionMethod` may sign credentials
(https://www.w3.org/TR/vc-data-integrity/#verify-proof, step "verificationMethod is
authorized for proofPurpose"). Parsed documents are cached per process, keyed by the row and
its `updated_at`, so an edit takes effect on the next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.crypto import jws
from app.crypto.did import did_web_host, verification_method_id
from app.crypto.errors import InvalidMultikeyError
from app.crypto.multikey import (
    DID_KEY_PREFIX,
    p256_public_key_from_multibase,
    public_key_from_did_key,
    public_key_from_jwk,
    public_key_from_multibase,
)
from app.issuer import service as issuer_service
from app.issuer.identity import ISSUER_NAMES
from app.verification.caches import OWN_KEYS_SECONDS, CacheMiss, ExpiringCache
from app.verification.models import TrustedIssuer

MULTIKEY: Final = "Multikey"
JSON_WEB_KEY: Final = "JsonWebKey"
_CACHE_SIZE: Final = 256
P256_DID_KEY_START: Final = "zDn"
"""A P-256 Multikey (multicodec 0x1200) starts so (`app.crypto.multikey`)."""


@dataclass(frozen=True, slots=True)
class TrustedKeys:
    """A trusted issuer: its DID, display name, country and the keys that may sign for it.

    `status_hosts` are the only hosts its status lists may be fetched from (the host its
    did:web names); `own` marks this service's DID, whose lists are read from the database.
    `jws_keys` are the keys that may sign its wallet formats (SD-JWT VC, Token Status List
    tokens): its Ed25519 keys and, for this service, its P-256 (ES256) keys too.
    """

    did: str
    name: str
    country: str | None
    keys: Mapping[str, Ed25519PublicKey]
    own: bool = False
    status_hosts: frozenset[str] = field(default_factory=frozenset)
    jws_keys: Mapping[str, jws.PublicKey] = field(default_factory=dict)

    def jws_key(self, method: str) -> jws.PublicKey | None:
        """The key `method` names for a JWS of a wallet format (Ed25519 or P-256), if any."""
        return self.jws_keys.get(method) or self.keys.get(method)


class TrustRegistry(Protocol):
    """What the engine asks the registry: the trusted issuer behind a DID, if any."""

    def lookup(self, did: str) -> TrustedKeys | None:
        """The trusted issuer `did`, or None when it is not trusted."""
        ...


KeyResolver = Callable[[str], TrustedKeys | None]
"""Keys of an issuer that is not trusted, known from its DID alone (None: not resolvable)."""


def resolve_did_key(did: str) -> TrustedKeys | None:
    """A did:key's one key, resolved offline from the DID itself (never trusted: the VC API
    verifier checks signatures of any issuer it can resolve, and reports trust apart)."""
    if not did.startswith(DID_KEY_PREFIX) or "#" in did:
        return None
    multibase = did.removeprefix(DID_KEY_PREFIX)
    method = f"{did}#{multibase}"
    if multibase.startswith(P256_DID_KEY_START):
        # A P-256 key signs JWS (ES256) only: Data Integrity here is eddsa-rdfc-2022.
        try:
            p256 = p256_public_key_from_multibase(multibase)
        except InvalidMultikeyError:
            return None
        return TrustedKeys(did=did, name=did, country=None, keys={}, jws_keys={method: p256})
    try:
        key = public_key_from_did_key(did)
    except InvalidMultikeyError:
        return None
    return TrustedKeys(did=did, name=did, country=None, keys={method: key})


class DidDocumentError(ValueError):
    """A DID document that cannot be pinned (wrong id, no usable assertion keys)."""


def assertion_keys(did: str, document: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 keys a pinned DID document authorizes for `assertionMethod`, by method id.

    Methods are `Multikey` (`publicKeyMultibase`, https://www.w3.org/TR/cid-1.0/#Multikey) or
    `JsonWebKey` (`publicKeyJwk`, no private members). Relative ids (`#key-1`) are resolved
    against the DID. Raises `DidDocumentError` when the document's id is not `did`, or
    when no assertion method is a usable key.
    """
    if document.get("id") != did:
        raise DidDocumentError(f"the document's id is {document.get('id')!r}, not {did!r}")
    methods: dict[str, Mapping[str, Any]] = {}
    for method in _as_list(document.get("verificationMethod")):
        if isinstance(method, Mapping) and isinstance(method.get("id"), str):
            methods[_absolute(did, method["id"])] = method
    keys: dict[str, Ed25519PublicKey] = {}
    problems: list[str] = []
    for reference in _as_list(document.get("assertionMethod")):
        if isinstance(reference, str):
            method_id = _absolute(did, reference)
            method = methods.get(method_id)
        elif isinstance(reference, Mapping) and isinstance(reference.get("id"), str):
            method_id = _absolute(did, reference["id"])
            method = reference
        else:
            continue
        if method is None:
            problems.append(f"{method_id}: not among the verification methods")
            continue
        try:
            keys[method_id] = _public_key(did, method)
        except DidDocumentError as error:
            problems.append(f"{method_id}: {error}")
    if not keys:
        detail = "; ".join(problems) if problems else "assertionMethod lists no key"
        raise DidDocumentError(f"no usable Multikey or JsonWebKey assertion method ({detail})")
    return keys


def _public_key(did: str, method: Mapping[str, Any]) -> Ed25519PublicKey:
    controller = method.get("controller")
    if controller is not None and controller != did:
        raise DidDocumentError(f"controller is {controller!r}, not the DID")
    try:
        if method.get("type") == MULTIKEY and isinstance(method.get("publicKeyMultibase"), str):
            return public_key_from_multibase(method["publicKeyMultibase"])
        if method.get("type") == JSON_WEB_KEY and isinstance(method.get("publicKeyJwk"), Mapping):
            return public_key_from_jwk(method["publicKeyJwk"])
    except InvalidMultikeyError as error:
        raise DidDocumentError(error.detail) from error
    raise DidDocumentError("not a Multikey (publicKeyMultibase) or JsonWebKey (publicKeyJwk)")


def _absolute(did: str, method_id: str) -> str:
    return did + method_id if method_id.startswith("#") else method_id


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class _ParsedDocuments:
    """Per-process cache of parsed pinned DID documents, keyed by row id and `updated_at`."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, datetime], dict[str, Ed25519PublicKey]] = OrderedDict()
        self._lock = threading.Lock()

    def keys_of(self, issuer: TrustedIssuer) -> dict[str, Ed25519PublicKey]:
        cache_key = (issuer.id, issuer.updated_at)
        with self._lock:
            cached = self._items.get(cache_key)
            if cached is not None:
                self._items.move_to_end(cache_key)
                return cached
        try:
            keys = assertion_keys(issuer.did, issuer.did_document)
        except DidDocumentError:
            keys = {}  # validated when added; a document broken since trusts nothing
        with self._lock:
            self._items[cache_key] = keys
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return keys


_parsed_documents = _ParsedDocuments(_CACHE_SIZE)


class DatabaseTrustRegistry:
    """The trust registry of one request: own keys and pinned documents from the database.

    Each DID is looked up at most once per instance (one small query), and only when a
    credential names it; this service's own keys come from `own_keys` while it holds them.
    Without a session (cache-only verification) anything not cached raises `CacheMiss`.
    """

    def __init__(
        self,
        session: Session | None,
        *,
        settings: Settings,
        own_keys: ExpiringCache[str, TrustedKeys] | None = None,
    ) -> None:
        self._session = session
        self._settings = settings
        self._own_keys = own_keys
        self._own_did = issuer_service.issuer_did(settings)
        self._found: dict[str, TrustedKeys | None] = {}

    @property
    def own_did(self) -> str:
        """This service's DID."""
        return self._own_did

    def lookup(self, did: str) -> TrustedKeys | None:
        """The trusted issuer `did` with its current keys, or None."""
        if did not in self._found:
            self._found[did] = self._own() if did == self._own_did else self._trusted(did)
        return self._found[did]

    def _own(self) -> TrustedKeys:
        cached = self._own_keys.get(self._own_did) if self._own_keys is not None else None
        if cached is not None:
            return cached
        session = self._require_session()
        changes = self._own_keys.changes_now() if self._own_keys is not None else 0
        did, published = issuer_service.published_document_keys(session, settings=self._settings)
        jws_keys = {verification_method_id(did, key.kid): key.public_key for key in published}
        own = TrustedKeys(
            did=did,
            name=ISSUER_NAMES["en"],
            country=None,
            keys={m: key for m, key in jws_keys.items() if isinstance(key, Ed25519PublicKey)},
            own=True,
            jws_keys=jws_keys,
        )
        if self._own_keys is not None:
            self._own_keys.put(did, own, changes=changes, seconds=OWN_KEYS_SECONDS)
        return own

    def _trusted(self, did: str) -> TrustedKeys | None:
        session = self._require_session()
        issuer = session.scalar(select(TrustedIssuer).where(TrustedIssuer.did == did))
        if issuer is None:
            return None
        host = did_web_host(did)
        return TrustedKeys(
            did=did,
            name=issuer.name,
            country=issuer.country,
            keys=_parsed_documents.keys_of(issuer),
            status_hosts=frozenset([host] if host else []),
        )

    def _require_session(self) -> Session:
        if self._session is None:
            raise CacheMiss("the trust registry must be read from the database")
        return self._session
