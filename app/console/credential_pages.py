"""Credential search, one credential, and its Revoke, Suspend and Reinstate forms
(through `app.status.service`, as the admin API does: the status lists are re-signed in
the same transaction)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import SettingsDep
from app.config import Settings
from app.console import forms, views
from app.console import service as console_service
from app.console.dependencies import ConsoleDb, ConsoleReader, ConsoleUser, ConsoleWriter
from app.console.pages import console_path, form_errors, render_console, see_other
from app.console.routing import ConsoleRoute
from app.console.vocabulary import NOTICES, STATUS_CHANGE_PROBLEMS
from app.credentials import issuance, paging
from app.credentials import service as credentials_service
from app.credentials.dependencies import SignerDep
from app.credentials.models import Credential, CredentialStatus
from app.db import utcnow
from app.errors import Conflict
from app.fields import Language
from app.links import claim_url
from app.status import service as status_service
from app.status.schemas import StatusAction
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.page_errors import PageReply
from app.web.standing import FILTERABLE, Standing, standing_of

router = APIRouter(
    prefix="/credentials", route_class=ConsoleRoute, default_response_class=HTMLResponse
)

Action = Annotated[str, Form(max_length=20)]
Reason = Annotated[str | None, Form(max_length=4000)]
Confirm = Annotated[str | None, Form(max_length=10)]
CONFIRMED = "yes"
"""The value of the revocation form's confirmation tick."""

ACTIONS_BY_STATUS: dict[CredentialStatus, tuple[StatusAction, ...]] = {
    CredentialStatus.active: (StatusAction.suspend, StatusAction.revoke),
    CredentialStatus.suspended: (StatusAction.reinstate, StatusAction.revoke),
    CredentialStatus.revoked: (),
}
"""The status changes a credential in each status can take (revocation is final)."""
DONE = {
    StatusAction.revoke: "revoked",
    StatusAction.suspend: "suspended",
    StatusAction.reinstate: "reinstated",
}


@router.get("", name="console_credentials")
def search_credentials(
    request: Request,
    db: ConsoleDb,
    user: ConsoleReader,
    language: PageLanguage,
    standard_code: str | None = None,
    status: str | None = None,
    provider_id: str | None = None,
    holder: str | None = None,
    issued_from: str | None = None,
    issued_to: str | None = None,
    page: str | None = None,
    after: str | None = None,
    before: str | None = None,
    credential_id: str | None = None,
) -> Response:
    """Issued credentials, newest first, by standard, status, provider, holder name and issue
    dates; or straight to one credential by its id (as `urn:uuid:…`, bare, or in a link)."""
    filters = forms.parse_credential_filters(
        standard_code=standard_code,
        status=status,
        provider_id=provider_id,
        holder=holder,
        issued_from=issued_from,
        issued_to=issued_to,
        page=page,
    )
    errors = dict(filters.errors)
    if (credential_id or "").strip():
        wanted = forms.credential_id_in(credential_id or "")
        if wanted is not None and db.get(Credential, wanted) is not None:
            return see_other(console_path(request, f"/credentials/{wanted}", language=language))
        errors["credential_id"] = "credential_id" if wanted is None else "credential_unknown"
    result = credentials_service.list_credentials(
        db,
        provider_id=filters.provider_id,
        standard_code=filters.standard_code,
        standing=filters.status,
        now=(now := utcnow()),
        holder=filters.holder,
        any_accents=True,
        issued_from=filters.period.start,
        issued_to=filters.period.end,
        **paging.window(page=filters.page, per_page=filters.per_page, after=after, before=before),
    )
    raw = {
        "standard_code": standard_code or "",
        "provider_id": provider_id or "",
        "holder": holder or "",
        "issued_from": issued_from or "",
        "issued_to": issued_to or "",
        "credential_id": credential_id or "",
    }
    return render_console(
        request,
        "console/credentials.html",
        {
            "filters": filters,
            "raw": raw,
            "errors": form_errors(language, errors),
            "credentials": result.items,
            "standings": {item.id: credential_standing(item, now=now) for item in result.items},
            "provider_names": console_service.provider_names(
                db, (credential.provider_id for credential in result.items)
            ),
            "result": result,
            "pages": paging.page_count(
                total=result.total, more=result.more, per_page=filters.per_page
            ),
            "statuses": FILTERABLE,
        },
        language=language,
        user=user,
        section="credentials",
    )


def credential_standing(credential: Credential, *, now: datetime) -> Standing:
    """The credential's standing at `now`: its stored status and its validity period."""
    return standing_of(
        status=credential.status,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        now=now,
    )


def _page_of(
    request: Request,
    db: Session,
    credential: Credential,
    *,
    user: ConsoleUser,
    language: Language,
    settings: Settings,
) -> Callable[..., HTMLResponse]:
    """The credential's page for this reader, to render with a notice, errors or a status."""
    return partial(
        _credential_page,
        request,
        db,
        credential,
        user=user,
        language=language,
        base_url=settings.public_base_url,
    )


def _credential_page(
    request: Request,
    db: Session,
    credential: Credential,
    *,
    user: ConsoleUser,
    language: Language,
    base_url: str,
    status_code: int = 200,
    **shown: Any,
) -> HTMLResponse:
    actions = ACTIONS_BY_STATUS[CredentialStatus(credential.status)] if user.can_act else ()
    return render_console(
        request,
        "console/credential.html",
        {
            "credential": credential,
            "standing": credential_standing(credential, now=utcnow()),
            "provider_name": console_service.provider_names(db, [credential.provider_id]).get(
                credential.provider_id or 0
            ),
            "standard_title": getattr(credential.standard, f"title_{language}"),
            "issuer_name": console_service.principal_name(db, credential.issued_by),
            "verify_url": f"{request.scope.get('root_path', '')}/verify/{credential.id}"
            f"?lang={language}",
            "audit_url": console_path(
                request,
                "/audit",
                language=language,
                target_type="credential",
                target_id=credential.id,
            ),
            "entries": views.status_entries(credential, base_url=base_url),
            "actions": [action.value for action in actions],
            "action_url": console_path(request, f"/credentials/{credential.id}", language=language),
            "notice": None,
            "problem": None,
            "errors": {},
            "values": {},
            "new_claim_url": None,
            "claim_link_url": console_path(
                request, f"/credentials/{credential.id}/claim-link", language=language
            ),
            **shown,
        },
        language=language,
        user=user,
        section="credentials",
        status_code=status_code,
    )


@router.get("/{credential_id}", name="console_credential")
def credential_page(
    credential_id: str,
    request: Request,
    db: ConsoleDb,
    settings: SettingsDep,
    user: ConsoleReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """One credential: holder, standard, dates, status and its status list entries."""
    credential = credentials_service.get_credential(db, credential_id=credential_id)
    notice = NOTICES[done] if done is not None and done in DONE.values() else None
    page_of = _page_of(request, db, credential, user=user, language=language, settings=settings)
    return page_of(notice=translate(language, notice) if notice else None)


@router.post("/{credential_id}")
def change_status(
    credential_id: str,
    request: Request,
    user: ConsoleWriter,
    db: ConsoleDb,
    settings: SettingsDep,
    signer: SignerDep,
    language: PageLanguage,
    action: Action = "",
    reason: Reason = None,
    confirm: Confirm = None,
) -> Response:
    """Revoke (permanent: a reason and the confirmation tick are required), suspend (reason
    required) or reinstate."""
    credential = credentials_service.get_credential(db, credential_id=credential_id)

    page_of = _page_of(request, db, credential, user=user, language=language, settings=settings)

    def reply(status_code: int, **shown: Any) -> PageReply:
        return PageReply(page_of(status_code=status_code, **shown))

    chosen = forms.member(StatusAction, action)
    if chosen is None:
        raise reply(400, errors=form_errors(language, {"action": "action"}))
    text, problem = forms.parse_reason(reason, required=chosen is not StatusAction.reinstate)
    field = f"{chosen.value}-reason"
    problems = {field: problem} if problem else {}
    if chosen is StatusAction.revoke and confirm != CONFIRMED:
        problems[f"{chosen.value}-confirm"] = "confirm"
    if problems:
        raise reply(400, errors=form_errors(language, problems), values={field: reason or ""})
    try:
        status_service.change_credential_status(
            db,
            credential_id=credential.id,
            action=chosen,
            reason=text,
            signer=signer,
            base_url=settings.public_base_url,
            now=utcnow(),
            actor=user.principal,
        )
    except Conflict as error:
        if error.slug not in STATUS_CHANGE_PROBLEMS:
            raise
        problem = translate(language, STATUS_CHANGE_PROBLEMS[error.slug])
        raise reply(409, problem=problem) from error
    path = f"/credentials/{credential.id}"
    return see_other(console_path(request, path, language=language, done=DONE[chosen]))


@router.post("/{credential_id}/claim-link")
def renew_claim_link(
    credential_id: str,
    request: Request,
    user: ConsoleWriter,
    db: ConsoleDb,
    settings: SettingsDep,
    language: PageLanguage,
) -> Response:
    """A new claim link for a worker who lost theirs (the old one stops working); shown on
    this page once, to send to the worker. A claimed credential needs none (409)."""
    credential = credentials_service.get_credential(db, credential_id=credential_id)
    page_of = _page_of(request, db, credential, user=user, language=language, settings=settings)
    token = issuance.renew_claim_token(db, credential, actor=user.principal, now=utcnow())
    if token is None:
        problem = translate(language, STATUS_CHANGE_PROBLEMS["already-claimed"])
        raise PageReply(page_of(status_code=409, problem=problem))
    response = page_of(
        notice=translate(language, NOTICES["claim-link"]),
        new_claim_url=claim_url(settings.public_base_url, token),
    )
    response.headers["Cache-Control"] = "no-store"  # the page holds a secret
    return response
