"""The provider's issued credentials: the search, one credential, and its forms (a new claim
link for the worker; a request that the Division revoke it).

The search is the console's (`credentials_service.list_credentials`, holder names in any case
and with or without accents) limited to the signed-in user's provider; a credential is read
through `credentials_service.get_credential` with the user's provider principal, so another
provider's credential is not found (404), read or posted to. Every change is audited as the
console's are (the services record the events).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import SettingsDep
from app.credentials import issuance, paging
from app.credentials import service as credentials_service
from app.credentials.models import Credential
from app.db import utcnow
from app.fields import Language
from app.links import claim_url
from app.portal.dependencies import (
    PortalDb,
    PortalPageDep,
    PortalPoster,
    PortalReader,
    PortalUser,
)
from app.portal.pages import form_errors, portal_path, render_portal, see_other
from app.portal.routing import PortalRoute
from app.portal.vocabulary import CREDENTIAL_NOTICES, CREDENTIAL_PROBLEMS
from app.status import revocation_requests
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.page_errors import PageReply
from app.web.standing import FILTERABLE, Standing, parse_standing, standing_of

router = APIRouter(
    prefix="/credentials", route_class=PortalRoute, default_response_class=HTMLResponse
)

Reason = Annotated[str | None, Form(max_length=4000)]
PER_PAGE: Final = 20
MAX_PAGE: Final = 10_000
MAX_FILTER: Final = 100


@dataclass(frozen=True, slots=True)
class CredentialSearch:
    """The search form as read from the query (a value that does not parse is not applied)."""

    holder: str | None
    standard_code: str | None
    standing: Standing | None
    page: int


def _text(value: str | None) -> str | None:
    return (value or "").strip()[:MAX_FILTER] or None


def read_search(
    *, holder: str | None, standard_code: str | None, status: str | None, page: str | None
) -> CredentialSearch:
    """The search's filters from the query's raw strings."""
    code = _text(standard_code)
    number = (page or "").strip()
    return CredentialSearch(
        holder=_text(holder),
        standard_code=code.upper() if code else None,
        standing=parse_standing(status),
        page=int(number)
        if number.isascii() and number.isdigit() and 0 < int(number) <= MAX_PAGE
        else 1,
    )


def standing_now(credential: Credential, *, now: datetime) -> Standing:
    """The credential's standing at `now`, in the one vocabulary of `app.web.standing`."""
    return standing_of(
        status=credential.status,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        now=now,
    )


@router.get("", name="portal_credentials")
def search_credentials(
    request: Request,
    db: PortalDb,
    user: PortalReader,
    language: PageLanguage,
    holder: str | None = None,
    standard_code: str | None = None,
    status: str | None = None,
    page: str | None = None,
    after: str | None = None,
    before: str | None = None,
) -> HTMLResponse:
    """The provider's credentials, newest first, by holder name, standard and standing."""
    search = read_search(holder=holder, standard_code=standard_code, status=status, page=page)
    now = utcnow()
    result = credentials_service.list_credentials(
        db,
        provider_id=user.provider_id,
        standard_code=search.standard_code,
        standing=search.standing,
        now=now,
        holder=search.holder,
        any_accents=True,
        **paging.window(page=search.page, per_page=PER_PAGE, after=after, before=before),
    )
    return render_portal(
        request,
        "portal/credentials.html",
        {
            "search": search,
            "raw": {"holder": holder or "", "standard_code": standard_code or ""},
            "credentials": [(item, standing_now(item, now=now)) for item in result.items],
            "result": result,
            "pages": paging.page_count(total=result.total, more=result.more, per_page=PER_PAGE),
            "statuses": FILTERABLE,
        },
        language=language,
        user=user,
        section="credentials",
    )


def own_credential(db: Session, user: PortalUser, credential_id: str) -> Credential:
    """One of the user's provider's credentials (`CredentialNotFound`, a 404, otherwise)."""
    return credentials_service.get_credential(
        db, credential_id=credential_id, principal=user.principal
    )


def _credential_page(
    request: Request,
    db: Session,
    credential: Credential,
    *,
    user: PortalUser,
    language: Language,
    status_code: int = 200,
    **shown: Any,
) -> HTMLResponse:
    path = f"/credentials/{credential.id}"
    return render_portal(
        request,
        "portal/credential.html",
        {
            "credential": credential,
            "standing": standing_now(credential, now=utcnow()),
            "standard_title": getattr(credential.standard, f"title_{language}"),
            "verify_url": f"{request.scope.get('root_path', '')}/verify/{credential.id}"
            f"?lang={language}",
            "claim_link_url": portal_path(request, f"{path}/claim-link", language=language),
            "revocation_url": portal_path(request, f"{path}/revocation-request", language=language),
            "revocation_request": revocation_requests.latest_request_for(db, credential.id),
            "notice": None,
            "problem": None,
            "errors": {},
            "reason": "",
            "new_claim_url": None,
            **shown,
        },
        language=language,
        user=user,
        section="credentials",
        status_code=status_code,
    )


def _refusal(
    request: Request,
    db: Session,
    credential: Credential,
    user: PortalUser,
    language: Language,
    status_code: int,
    **shown: Any,
) -> PageReply:
    """The credential's page again, with why a form was refused."""
    page = _credential_page(
        request, db, credential, user=user, language=language, status_code=status_code, **shown
    )
    return PageReply(page)


@router.get("/{credential_id}", name="portal_credential")
def credential_page(
    credential_id: str, page: PortalPageDep, done: str | None = None
) -> HTMLResponse:
    """One of the provider's credentials: holder, standard, dates, standing, claim."""
    credential = own_credential(page.db, page.user, credential_id)
    notice = CREDENTIAL_NOTICES["requested"] if done == "requested" else None
    return _credential_page(
        page.request,
        page.db,
        credential,
        user=page.user,
        language=page.language,
        notice=translate(page.language, notice) if notice else None,
    )


@router.post("/{credential_id}/claim-link")
def renew_claim_link(
    credential_id: str,
    request: Request,
    db: PortalDb,
    settings: SettingsDep,
    user: PortalPoster,
    language: PageLanguage,
) -> Response:
    """A new claim link for a worker who lost theirs (the old one, mailed or not, stops
    working); shown on this page once. A claimed credential needs none (409)."""
    credential = own_credential(db, user, credential_id)
    token = issuance.renew_claim_token(db, credential, actor=user.principal, now=utcnow())
    if token is None:
        problem = translate(language, CREDENTIAL_PROBLEMS["already-claimed"])
        raise _refusal(request, db, credential, user, language, 409, problem=problem)
    response = _credential_page(
        request,
        db,
        credential,
        user=user,
        language=language,
        notice=translate(language, CREDENTIAL_NOTICES["claim-link"]),
        new_claim_url=claim_url(settings.public_base_url, token),
    )
    response.headers["Cache-Control"] = "no-store"  # the page holds a secret
    return response


@router.post("/{credential_id}/revocation-request")
def request_revocation(
    credential_id: str,
    request: Request,
    db: PortalDb,
    user: PortalPoster,
    language: PageLanguage,
    reason: Reason = None,
) -> Response:
    """Ask the Division to revoke the credential, with a reason (staff see it in the
    console and revoke through the usual status change)."""
    credential = own_credential(db, user, credential_id)
    text = " ".join((reason or "").split())
    if not revocation_requests.MIN_REASON <= len(text) <= revocation_requests.MAX_REASON:
        errors = form_errors(language, {"reason": "revocation-reason"})
        raise _refusal(
            request, db, credential, user, language, 400, errors=errors, reason=reason or ""
        )
    try:
        revocation_requests.request_revocation(
            db, credential, reason=text, actor=user.principal, now=utcnow()
        )
    except revocation_requests.RequestNotPossible as error:
        problem = translate(language, CREDENTIAL_PROBLEMS["request-not-possible"])
        raise _refusal(request, db, credential, user, language, 409, problem=problem) from error
    path = f"/credentials/{credential.id}"
    return see_other(portal_path(request, path, language=language, done="requested"))
