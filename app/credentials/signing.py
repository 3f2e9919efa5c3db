"""The issuer's signer: one key, both securing mechanisms, for credentials and status lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from app.config import Settings
from app.crypto import jws
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import add_proof
from app.crypto.did import did_web_from_url, verification_method_id
from app.crypto.jose import sign_ob3_jwt, sign_vc_jwt
from app.errors import ServiceUnavailable
from app.issuer.models import IssuerInstance
from app.keys import service as keys_service
from app.keys.models import KeyAlgorithm
from app.keys.service import ActiveJwsKey, KeyCache, NoSigningKey
from app.keys.store import KeyStore, KeyStoreError


@dataclass(frozen=True, slots=True)
class JwsSigner:
    """Signs compact JWS (wallet formats, Token Status Lists) with one active key, named in
    the `kid` header by its DID URL (the JWKS `kid`)."""

    verification_method: str
    algorithm: str
    private_key: jws.PrivateKey


@dataclass(frozen=True, slots=True)
class IssuerSigner:
    """Signs as the issuer's DID with its active key (and Token Status Lists with
    `token_signer`: the active P-256 key, or the Ed25519 one when there is none)."""

    did: str
    kid: str
    private_key: Ed25519PrivateKey
    contexts: PinnedContexts
    token_signer: JwsSigner | None = None

    @property
    def token_list_signer(self) -> JwsSigner:
        """Who signs Token Status Lists."""
        if self.token_signer is not None:
            return self.token_signer
        return JwsSigner(self.verification_method, jws.EDDSA, self.private_key)

    @property
    def verification_method(self) -> str:
        """The DID URL of the signing key."""
        return verification_method_id(self.did, self.kid)

    def data_integrity(self, document: dict[str, Any], *, created: datetime) -> dict[str, Any]:
        """The document secured with an `eddsa-rdfc-2022` proof."""
        return add_proof(
            document,
            private_key=self.private_key,
            verification_method=self.verification_method,
            created=created,
            contexts=self.contexts,
        )

    def vc_jwt(self, document: dict[str, Any]) -> str:
        """The document secured as a compact `application/vc+jwt` JWS."""
        return sign_vc_jwt(document, private_key=self.private_key, kid=self.verification_method)

    def ob3_jwt(self, document: dict[str, Any]) -> str:
        """The document as a JWT in Open Badges 3.0's form (header `typ: JWT`, no `cty`)."""
        return sign_ob3_jwt(document, private_key=self.private_key, kid=self.verification_method)


def current_signer(
    session: Session, *, settings: Settings, cache: KeyCache, contexts: PinnedContexts
) -> IssuerSigner:
    """A signer with the keys that are active now (both looked up in one statement)."""
    keys = keys_service.active_jws_keys(
        session, cache=cache, algorithms=(KeyAlgorithm.eddsa, KeyAlgorithm.es256)
    )
    active = keys_service.ed25519_key(keys_service.required_key(keys, algorithm=KeyAlgorithm.eddsa))
    did = did_web_from_url(settings.public_base_url)
    token_key = keys.get(KeyAlgorithm.es256)
    return IssuerSigner(
        did=did,
        kid=active.kid,
        private_key=active.private_key,
        contexts=contexts,
        token_signer=None if token_key is None else _jws_signer_of(did, token_key),
    )


def jws_signer(
    session: Session, *, did: str, cache: KeyCache, algorithm: KeyAlgorithm
) -> JwsSigner | None:
    """A JWS signer with the active key of `algorithm`, or None when none is active."""
    try:
        active = keys_service.active_jws_key(session, cache=cache, algorithm=algorithm)
    except NoSigningKey:
        return None
    return _jws_signer_of(did, active)


def _jws_signer_of(did: str, active: ActiveJwsKey) -> JwsSigner:
    return JwsSigner(
        verification_method_id(did, active.kid), active.algorithm.value, active.private_key
    )


def instance_signer(
    instance: IssuerInstance, *, store: KeyStore, contexts: PinnedContexts
) -> IssuerSigner:
    """A signer as an issuer instance: its did:key and the key in the key store."""
    try:
        private_key = store.load(instance.kid)
    except KeyStoreError:
        private_key = None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ServiceUnavailable(f"The key of issuer instance {instance.id} cannot be read.")
    return IssuerSigner(
        did=instance.did,
        kid=instance.public_key_multibase,
        private_key=private_key,
        contexts=contexts,
    )
