"""The home page (`/`): what NASSC is, a box to verify a credential by its ID or link, and
the way to the standards catalog, in English, Spanish and French; and `/favicon.ico`."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from app.routing import ProblemRoute
from app.web.dependencies import PageLanguage
from app.web.favicon import FAVICON
from app.web.templates import render_page

router = APIRouter(tags=["pages"], route_class=ProblemRoute, default_response_class=HTMLResponse)

ICON_HEADERS: Final = {
    "Cache-Control": "public, max-age=604800",
    "X-Content-Type-Options": "nosniff",
}


@router.get("/", name="home_page")
def home_page(request: Request, language: PageLanguage) -> HTMLResponse:
    """The home page: what NASSC certifies, verify a credential, browse the standards."""
    root = str(request.scope.get("root_path", ""))
    chosen = request.query_params.get("lang")
    query = f"?lang={language}" if chosen else ""
    links = {
        "verify_action": f"{root}/verify{query}",
        "verify_url": f"{root}/verify{query}",
        "standards_url": f"{root}/standards{query}",
    }
    return render_page(request, "home.html", {"links": links}, language=language)


@router.get(
    "/favicon.ico",
    name="favicon",
    response_class=Response,
    responses={200: {"description": "The site's icon", "content": {"image/x-icon": {}}}},
)
def favicon() -> Response:
    """The site's icon."""
    return Response(FAVICON, media_type="image/x-icon", headers=ICON_HEADERS)
