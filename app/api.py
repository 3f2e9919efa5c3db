"""Composes the routers: public (health, standards, verification, issuer metadata) and
authenticated (auth, provider, admin)."""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.router import router as auth_router
from app.health.router import router as health_router
from app.users.router import router as users_router


def build_router() -> APIRouter:
    """Every route of the service, in one router."""
    router = APIRouter()
    router.include_router(health_router)
    router.include_router(auth_router)
    router.include_router(users_router)
    return router
