"""Providers' waiting requests to revoke a credential (`app.status.revocation_requests`):
staff read the reason and revoke through the credential's page (the usual status change),
after which the request leaves this list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.console import service as console_service
from app.console.dependencies import ConsoleDb, ConsoleReader
from app.console.pages import render_console
from app.console.routing import ConsoleRoute
from app.status import revocation_requests
from app.web.dependencies import PageLanguage

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)


@router.get("/revocation-requests", name="console_revocation_requests")
def revocation_request_list(
    request: Request, db: ConsoleDb, user: ConsoleReader, language: PageLanguage
) -> HTMLResponse:
    """The waiting requests, oldest first: credential, holder, provider, reason, who asked."""
    waiting = revocation_requests.open_requests(db)
    return render_console(
        request,
        "console/revocation_requests.html",
        {
            "waiting": waiting,
            "provider_names": console_service.provider_names(
                db, (item.request.provider_id for item in waiting)
            ),
        },
        language=language,
        user=user,
        section="revocation-requests",
    )
