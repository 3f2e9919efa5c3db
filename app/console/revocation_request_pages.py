"""Providers' requests to revoke a credential (`app.status.revocation_requests`): staff read
the reason and revoke through the credential's page (the usual status change, which closes
the request), or, in the roles that may revoke, decline it with a reason the provider reads.
The latest declined requests are listed below the waiting ones."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.console import forms
from app.console import service as console_service
from app.console.dependencies import ConsoleDb, ConsolePageDep, ConsoleUser, ConsoleWriter
from app.console.pages import console_path, form_errors, render_console, see_other
from app.console.routing import ConsoleRoute
from app.console.vocabulary import NOTICES, REVOCATION_REQUEST_PROBLEMS
from app.db import utcnow
from app.fields import DbId, Language
from app.status import revocation_requests
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.page_errors import PageReply

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)
PATH: Final = "/revocation-requests"
Reason = Annotated[str | None, Form(max_length=4000)]


def _requests_page(
    request: Request,
    db: ConsoleDb,
    user: ConsoleUser,
    *,
    language: Language,
    notice: str | None = None,
    problem: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    waiting = revocation_requests.open_requests(db)
    declined = revocation_requests.declined_requests(db)
    return render_console(
        request,
        "console/revocation_requests.html",
        {
            "waiting": waiting,
            "declined": declined,
            "provider_names": console_service.provider_names(
                db, (item.request.provider_id for item in waiting + declined)
            ),
            "notice": notice,
            "problem": problem,
            "errors": errors or {},
            "values": values or {},
        },
        language=language,
        user=user,
        section="revocation-requests",
        status_code=status_code,
    )


@router.get(PATH, name="console_revocation_requests")
def revocation_request_list(page: ConsolePageDep, done: str | None = None) -> HTMLResponse:
    """The waiting requests, oldest first (credential, holder, provider, reason, who asked),
    then the latest declined ones."""
    notice = translate(page.language, NOTICES["declined"]) if done == "declined" else None
    return _requests_page(page.request, page.db, page.user, language=page.language, notice=notice)


@router.post(PATH + "/{request_id}/decline")
def decline_request(
    request_id: DbId,
    request: Request,
    db: ConsoleDb,
    user: ConsoleWriter,
    language: PageLanguage,
    reason: Reason = None,
) -> Response:
    """Decline a waiting request with a reason, which the provider reads on the
    credential's page; they may ask again."""
    text, problem = forms.parse_reason(reason, required=True)
    if text is None or problem is not None:
        field = f"decline-{request_id}-reason"
        page = _requests_page(
            request,
            db,
            user,
            language=language,
            errors=form_errors(language, {field: "decline_reason"}),
            values={field: reason or ""},
            status_code=400,
        )
        raise PageReply(page)
    try:
        revocation_requests.decline(
            db, request_id=request_id, reason=text, actor=user.principal, now=utcnow()
        )
    except revocation_requests.RequestNotOpen as error:
        words = translate(language, REVOCATION_REQUEST_PROBLEMS[error.slug])
        page = _requests_page(request, db, user, language=language, problem=words, status_code=409)
        raise PageReply(page) from error
    return see_other(console_path(request, PATH, language=language, done="declined"))
