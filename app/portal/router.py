"""The provider portal at `/portal`: server-rendered pages over the API's own services.

Sign-in and invitations (`auth_pages`), forgotten passwords (`password_reset_pages`), the
dashboard (here), the provider's users (`user_pages`) and API clients (`client_pages`),
curricula (`curriculum_pages`), issuing (`issue_pages`) and the issued credentials
(`credential_pages`). Every page is in English, Spanish and French (`?lang=`), runs no
script, shows one provider's data only, and is answered by `PortalRoute`, which turns errors
into pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.db import utcnow
from app.portal import (
    auth_pages,
    client_pages,
    credential_pages,
    curriculum_pages,
    issue_pages,
    password_reset_pages,
    user_pages,
)
from app.portal import service as portal_service
from app.portal.dependencies import PortalDb, PortalReader
from app.portal.pages import PORTAL_PATH, render_portal
from app.portal.routing import PortalRoute
from app.portal.session import PORTAL
from app.web import area_pages
from app.web.dependencies import PageLanguage

router = APIRouter(
    prefix=PORTAL_PATH,
    route_class=PortalRoute,
    default_response_class=HTMLResponse,
    include_in_schema=False,
)


@router.get("", name="portal_dashboard")
def dashboard(
    request: Request, db: PortalDb, user: PortalReader, language: PageLanguage
) -> HTMLResponse:
    """The provider's figures at a glance: credentials by standing, curricula by review
    status, the latest batches, the credentials about to expire."""
    figures = portal_service.dashboard(db, provider_id=user.provider_id, now=utcnow())
    return render_portal(
        request,
        "portal/dashboard.html",
        {"dashboard": figures},
        language=language,
        user=user,
        section="dashboard",
    )


not_found = area_pages.unknown_page_router(PORTAL, PortalRoute)

router.include_router(auth_pages.router)
router.include_router(password_reset_pages.router)
router.include_router(user_pages.router)
router.include_router(client_pages.router)
router.include_router(curriculum_pages.router)
router.include_router(issue_pages.router)
router.include_router(credential_pages.router)
router.include_router(not_found)
