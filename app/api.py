"""Composes the routers: public (health, standards, verification, issuer metadata) and
authenticated (auth, provider, admin)."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter

from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.claims.pages import api_router as claims_router
from app.claims.pages import router as claim_pages_router
from app.claims.wallet_pages import router as wallet_pages_router
from app.console.router import router as console_router
from app.credentials.batch_router import router as batches_router
from app.credentials.router import router as credentials_router
from app.credentials.vc_api_router import router as vc_api_issue_router
from app.curricula.router import admin_router as curricula_admin_router
from app.curricula.router import provider_router as curricula_provider_router
from app.health.router import router as health_router
from app.issuer.instances_router import router as issuer_instances_router
from app.issuer.router import router as issuer_router
from app.keys.router import router as keys_router
from app.ops.router import router as ops_router
from app.portal.admin_api import admin_router as provider_users_admin_router
from app.portal.router import router as portal_router
from app.presentations.pages import router as presentation_pages_router
from app.presentations.router import api_router as presentation_requests_router
from app.presentations.router import wallet_router as openid4vp_router
from app.providers.router import admin_router as providers_admin_router
from app.providers.router import public_router as providers_router
from app.reports.router import router as reports_router
from app.standards.pages import router as standards_pages_router
from app.standards.router import admin_router as standards_admin_router
from app.standards.router import public_router as standards_router
from app.status.revocation_request_router import router as revocation_requests_router
from app.status.router import admin_router as status_admin_router
from app.status.router import public_router as status_router
from app.users.router import router as users_router
from app.verification.pages import router as verification_pages_router
from app.verification.router import admin_router as verification_admin_router
from app.verification.router import public_router as verification_router
from app.verification.router import vc_api_router as verification_vc_api_router
from app.wallet.offers_router import router as wallet_offers_router
from app.wallet.openid4vci_router import router as openid4vci_router
from app.wallet.type_router import router as wallet_types_router
from app.web.home import router as home_router


@cache
def build_router() -> APIRouter:
    """Every route of the service, in one router, built once per process.

    The routes depend on no settings, and FastAPI analyses a router's dependencies the first
    time it is included: a process that builds several apps (the tests build one per test)
    pays that (about half a second on two cores) once instead of per app.
    """
    router = APIRouter()
    router.include_router(health_router)
    router.include_router(home_router)
    # Routes are matched in order: the busiest public endpoint (verification) comes early.
    router.include_router(verification_router)
    router.include_router(auth_router)
    router.include_router(users_router)
    router.include_router(audit_router)
    router.include_router(issuer_router)
    router.include_router(keys_router)
    router.include_router(wallet_types_router)
    router.include_router(standards_router)
    router.include_router(standards_admin_router)
    router.include_router(standards_pages_router)
    router.include_router(providers_router)
    router.include_router(providers_admin_router)
    router.include_router(provider_users_admin_router)
    router.include_router(curricula_provider_router)
    router.include_router(curricula_admin_router)
    router.include_router(credentials_router)
    router.include_router(batches_router)
    router.include_router(status_router)
    router.include_router(status_admin_router)
    router.include_router(revocation_requests_router)
    router.include_router(verification_vc_api_router)
    router.include_router(vc_api_issue_router)
    router.include_router(issuer_instances_router)
    router.include_router(verification_admin_router)
    # Before the verification pages: /verify/wallet is not a credential id.
    router.include_router(presentation_pages_router)
    router.include_router(verification_pages_router)
    router.include_router(claims_router)
    router.include_router(claim_pages_router)
    router.include_router(wallet_pages_router)
    router.include_router(wallet_offers_router)
    router.include_router(openid4vci_router)
    router.include_router(openid4vp_router)
    router.include_router(presentation_requests_router)
    router.include_router(reports_router)
    router.include_router(ops_router)
    router.include_router(console_router)
    router.include_router(portal_router)
    return router
