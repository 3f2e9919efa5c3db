"""Public issuer metadata: the did:web DID document, the JWK Set, the OB 3.0 Profile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse

from app.auth.dependencies import SettingsDep
from app.db import SessionDep
from app.fields import Language
from app.i18n import negotiate_language
from app.issuer import instances, service
from app.issuer.identity import build_did_document, build_issuer_profile, build_jwks
from app.keys.models import KeyPurpose
from app.routing import ProblemRoute

router = APIRouter(tags=["issuer"], route_class=ProblemRoute)

CACHE_PUBLIC = "public, max-age=300"


def _json(body: dict[str, Any], media_type: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        body, media_type=media_type, headers={"Cache-Control": CACHE_PUBLIC, **headers}
    )


@router.get("/.well-known/did.json")
@router.get("/did.json", include_in_schema=False)
def did_document(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """The issuer's DID document: every published credential-signing key (Ed25519 and P-256)
    as a Multikey in assertionMethod, and the verifier's key (OpenID4VP Request Objects) in
    authentication."""
    did, keys = service.published_document_keys(session, settings=settings)
    _, verifier_keys = service.published_document_keys(
        session, settings=settings, purpose=KeyPurpose.authentication
    )
    return _json(build_did_document(did, keys, verifier_keys), "application/did+ld+json")


@router.get("/instances/{instance_id}/did.json")
def instance_did_document(instance_id: str, session: SessionDep) -> JSONResponse:
    """The DID document of a did:web issuer instance (its key under assertionMethod only):
    verifiers read it here for a DID on this host; another host publishes this document."""
    instance = instances.get_instance(session, instance_id=instance_id)
    if not instances.is_web(instance):
        raise instances.IssuerInstanceNotFound(f"Issuer instance {instance_id} is a did:key.")
    return _json(instances.did_document(instance), "application/did+ld+json")


@router.get("/.well-known/jwks.json")
def jwks(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """The published keys as a JWK Set; each `kid` is the verification method's DID URL."""
    did, keys = service.published_document_keys(session, settings=settings)
    return _json(build_jwks(did, keys), "application/jwk-set+json")


@router.get("/issuer")
def issuer_profile(
    settings: SettingsDep,
    lang: Annotated[Language | None, Query(description="en, es or fr")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """The issuer's Open Badges 3.0 Profile, in English, Spanish or French."""
    language = negotiate_language(lang, accept_language)
    did = service.issuer_did(settings)
    profile = build_issuer_profile(did, settings.public_base_url, language)
    return _json(profile, "application/ld+json", **{"Content-Language": language})
