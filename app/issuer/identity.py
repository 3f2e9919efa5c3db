"""Pure builders for the issuer's did:web identifier, DID document, JWK Set and profile.

did:web method: https://w3c-ccg.github.io/did-method-web/#create-register
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.crypto import jws
from app.crypto.did import verification_method_id

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]

ISSUER_NAMES = {
    "en": "North American Standards Skills Council (NASSC)",
    "es": "Consejo Norteamericano de Estándares de Competencias (NASSC)",
    "fr": "Conseil nord-américain des normes de compétences (NASSC)",
}


ISSUER_DESCRIPTIONS = {
    "en": "Industry-recognized certifications recognized in the United States, Mexico and Canada.",
    "es": "Certificaciones reconocidas por la industria en Estados Unidos, México y Canadá.",
    "fr": "Certifications reconnues par l'industrie aux États-Unis, au Mexique et au Canada.",
}


@dataclass(frozen=True, slots=True)
class PublishedKey:
    """A verification method of the issuer: its fragment and public key."""

    kid: str
    public_key_multibase: str
    public_key: Ed25519PublicKey


@dataclass(frozen=True, slots=True)
class PublishedJwsKey:
    """A verification method of any algorithm (Ed25519 or P-256) with its JWS algorithm."""

    kid: str
    public_key_multibase: str
    public_key: jws.PublicKey
    algorithm: str


def build_did_document(
    did: str,
    keys: Sequence[PublishedJwsKey],
    authentication_keys: Sequence[PublishedJwsKey] = (),
) -> dict[str, Any]:
    """The DID document: every published key (Ed25519 `z6Mk…`, P-256 `zDn…`) as a Multikey.

    The credential-signing `keys` are referenced from assertionMethod only: they sign
    credentials and status lists, never authenticate the issuer (a key listed under
    `authentication` could sign presentations as the issuer). The verifier's
    `authentication_keys` sign OpenID4VP Request Objects (`decentralized_identifier:`) and
    are referenced from `authentication` only, so no verifier takes a credential they sign.
    """
    methods = [
        {
            "id": verification_method_id(did, key.kid),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in (*keys, *authentication_keys)
    ]
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [verification_method_id(did, key.kid) for key in keys],
    }
    if authentication_keys:
        document["authentication"] = [
            verification_method_id(did, key.kid) for key in authentication_keys
        ]
    return document


def build_jwks(did: str, keys: Sequence[PublishedJwsKey]) -> dict[str, Any]:
    """The same keys as a JWK Set; each `kid` is the verification method's DID URL and
    `alg` the key's one algorithm (EdDSA or ES256)."""
    return {
        "keys": [
            {
                **jws.public_key_to_jwk(key.public_key),
                "kid": verification_method_id(did, key.kid),
                "use": "sig",
                "alg": key.algorithm,
            }
            for key in keys
        ]
    }


def build_issuer_profile(did: str, base_url: str, language: str) -> dict[str, Any]:
    """The Open Badges 3.0 issuer `Profile`, named in `language` (en, es or fr).

    OB 3.0 types `Profile.name` as a plain string, so each language is its own document
    rather than one document with language-tagged values a strict validator would refuse.
    """
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": did,
        "type": ["Profile"],
        "name": ISSUER_NAMES[language],
        "url": base_url,
        "description": ISSUER_DESCRIPTIONS[language],
    }
