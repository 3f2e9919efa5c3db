"""The staff console at `/console`: server-rendered pages over the API's own services.

Sign-in (`auth_pages`), the dashboard (here), the curricula review queue (`review_pages`),
credential search and status changes (`credential_pages`), the audit log
(`audit_pages`), and the registry with the actions the admin API allows on it: providers
(`provider_pages`, `provider_actions`), standards (`standard_pages`), staff users
(`user_pages`, `user_actions`) and signing keys (`key_pages`). Every page is in English,
Spanish and French (`?lang=`), runs no script, and is answered by `ConsoleRoute`, which
turns errors into pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.console import (
    audit_pages,
    auth_pages,
    credential_pages,
    key_pages,
    provider_actions,
    provider_pages,
    report_pages,
    review_pages,
    revocation_request_pages,
    standard_pages,
    user_actions,
    user_pages,
)
from app.console import service as console_service
from app.console.dependencies import ConsoleDb, ConsoleReader
from app.console.pages import CONSOLE_PATH, render_console
from app.console.routing import ConsoleRoute
from app.console.session import CONSOLE
from app.db import utcnow
from app.web import area_pages
from app.web.dependencies import PageLanguage

router = APIRouter(
    prefix=CONSOLE_PATH,
    route_class=ConsoleRoute,
    default_response_class=HTMLResponse,
    include_in_schema=False,
)


@router.get("", name="console_dashboard")
def dashboard(
    request: Request, db: ConsoleDb, user: ConsoleReader, language: PageLanguage
) -> HTMLResponse:
    """The reports at a glance: credentials by status, sector and country, cross-border
    verifications, credentials expiring soon, curricula awaiting review."""
    figures = console_service.dashboard(db, now=utcnow())
    return render_console(
        request,
        "console/dashboard.html",
        {"dashboard": figures},
        language=language,
        user=user,
        section="dashboard",
    )


not_found = area_pages.unknown_page_router(CONSOLE, ConsoleRoute)

router.include_router(auth_pages.router)
router.include_router(review_pages.router)
router.include_router(credential_pages.router)
router.include_router(revocation_request_pages.router)
router.include_router(audit_pages.router)
router.include_router(report_pages.router)
router.include_router(provider_pages.router)
router.include_router(provider_actions.router)
router.include_router(standard_pages.router)
router.include_router(user_pages.router)
router.include_router(user_actions.router)
router.include_router(key_pages.router)
router.include_router(not_found)
