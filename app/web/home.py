"""The home page (`/`): what NASSC is, a box to verify a credential by its ID or link, and
the way to the standards catalog, in English, Spanish and French; and `/favicon.ico`."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from app.auth.dependencies import SettingsDep
from app.issuer import service as issuer_service
from app.issuer.identity import build_issuer_profile
from app.routing import ProblemRoute
from app.web.dependencies import PageLanguage
from app.web.favicon import FAVICON
from app.web.negotiation import prefers_json
from app.web.templates import render_page

router = APIRouter(tags=["pages"], route_class=ProblemRoute, default_response_class=HTMLResponse)

ICON_HEADERS: Final = {
    "Cache-Control": "public, max-age=604800",
    "X-Content-Type-Options": "nosniff",
}


@router.get(
    "/",
    name="home_page",
    response_model=None,
    responses={
        200: {
            "description": "The home page, or the issuer's Open Badges 3.0 Profile when "
            "Accept ranks JSON above HTML (the credentials' `issuer.url`)",
            "content": {"text/html": {}, "application/ld+json": {}},
        }
    },
)
def home_page(
    request: Request, language: PageLanguage, settings: SettingsDep
) -> HTMLResponse | JSONResponse:
    """The home page: what NASSC certifies, verify a credential, browse the standards.

    It is every credential's `issuer.url`: a client that asks for JSON gets the issuer's
    Profile (as `/issuer` serves it) instead."""
    if prefers_json(request.headers.get("accept")):
        did = issuer_service.issuer_did(settings)
        profile = build_issuer_profile(did, settings.public_base_url, language)
        return JSONResponse(
            profile,
            media_type="application/ld+json",
            headers={"Vary": "Accept", "Content-Language": language},
        )
    root = str(request.scope.get("root_path", ""))
    chosen = request.query_params.get("lang")
    query = f"?lang={language}" if chosen else ""
    links = {
        "verify_action": f"{root}/verify{query}",
        "verify_url": f"{root}/verify{query}",
        "standards_url": f"{root}/standards{query}",
    }
    page = render_page(request, "home.html", {"links": links}, language=language)
    page.headers["Vary"] = "Accept"
    return page


@router.get(
    "/favicon.ico",
    name="favicon",
    response_class=Response,
    responses={200: {"description": "The site's icon", "content": {"image/x-icon": {}}}},
)
def favicon() -> Response:
    """The site's icon."""
    return Response(FAVICON, media_type="image/x-icon", headers=ICON_HEADERS)
