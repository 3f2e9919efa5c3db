"""Public documents wallets and verifiers read: SD-JWT VC Type Metadata and the issuer's
`jwt-vc-issuer` metadata."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.dependencies import SettingsDep
from app.db import SessionDep
from app.routing import ProblemRoute
from app.standards import service as standards_service
from app.standards.vct import build_type_metadata

router = APIRouter(tags=["wallet"], route_class=ProblemRoute)

CACHE_PUBLIC = "public, max-age=300"
JWKS_PATH = "/.well-known/jwks.json"


def _json(body: dict[str, Any]) -> JSONResponse:
    # Wallets fetch these from web views and browsers; they are public anyway.
    headers = {"Cache-Control": CACHE_PUBLIC, "Access-Control-Allow-Origin": "*"}
    return JSONResponse(body, headers=headers)


@router.get("/vct/{standard_code}")
def type_metadata(standard_code: str, session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """The SD-JWT VC Type Metadata of a standard's credentials (display in en, es-MX, fr-CA)."""
    standard = standards_service.get_standard(session, code=standard_code)
    return _json(build_type_metadata(standard, base_url=settings.public_base_url))


@router.get("/.well-known/jwt-vc-issuer")
def jwt_vc_issuer(settings: SettingsDep) -> JSONResponse:
    """The SD-JWT VC issuer metadata: `issuer` (every `iss` we sign) and our JWKS URL."""
    base_url = settings.public_base_url
    return _json({"issuer": base_url, "jwks_uri": base_url + JWKS_PATH})
