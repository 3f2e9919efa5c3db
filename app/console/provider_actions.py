"""The actions of admins and registrars (the API's `StaffWriter`) on a training provider
in the console, through the services the admin API calls and audited the same way: change
the accreditation, invite someone to the provider's portal, make an API client, replace a
client's secret, revoke a client. A new secret or invitation link is shown once, on the
answer to the form (`app.console.actions`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.audit.dependencies import SessionmakerDep
from app.auth.dependencies import SettingsDep
from app.console import actions
from app.console import provider_pages as pages
from app.console.dependencies import ConsoleDb, ConsoleWriter
from app.console.registry_views import Outcome, Secret
from app.console.routing import ConsoleRoute
from app.db import utcnow
from app.deliveries import invitations
from app.deliveries.schedule import deliver_due
from app.errors import AppError
from app.fields import Language
from app.provider_users import service as provider_users_service
from app.provider_users.schemas import ProviderUserInvite
from app.providers import service as providers_service
from app.providers.models import ApiClient
from app.providers.schemas import AccreditationChange, ApiClientCreate
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

router = APIRouter(route_class=ConsoleRoute, default_response_class=HTMLResponse)
FormText = Annotated[str | None, Form(max_length=4000)]
T = TypeVar("T")


def _posted(
    request: Request, provider_id: int, db: ConsoleDb, user: ConsoleWriter, language: PageLanguage
) -> actions.Posted:
    providers_service.get_provider(db, provider_id=provider_id)
    return actions.Posted(
        request=request,
        db=db,
        user=user,
        language=language,
        path=f"/providers/{provider_id}",
        render=pages.renderer(request, db, provider_id, user=user, language=language),
    )


ProviderForm = Annotated[actions.Posted, Depends(_posted)]
"""A form posted on a provider's page by an admin or registrar, with its CSRF token."""


@router.post("/providers/{provider_id}/accreditation")
def change_accreditation(
    provider_id: int, form: ProviderForm, status: FormText = None, reason: FormText = None
) -> Response:
    """Accredit, suspend or return a provider to pending, with a reason (as the admin API)."""
    data = {"status": (status or "").strip(), "reason": (reason or "").strip() or None}
    change, problems = actions.checked(
        AccreditationChange, data, {"status": "choice", "reason": "reason"}
    )
    if change is None:
        errors = actions.field_errors(form.language, "accreditation", problems)
        raise form.again(Outcome(errors=errors, values={"accreditation-reason": reason or ""}))
    providers_service.change_accreditation(
        form.db,
        provider_id=provider_id,
        status=change.status,
        reason=change.reason,
        actor=form.user.principal,
        now=utcnow(),
    )
    return form.done("accreditation")


@router.post("/providers/{provider_id}/clients")
def create_client(provider_id: int, form: ProviderForm, name: FormText = None) -> HTMLResponse:
    """A new API client for the provider; its secret is shown on this answer only."""
    body, problems = actions.checked(ApiClientCreate, {"name": name or ""}, {"name": "name"})
    if body is None:
        errors = actions.field_errors(form.language, "new-client", problems)
        raise form.again(Outcome(errors=errors, values={"new-client-name": name or ""}))
    provider = providers_service.get_provider(form.db, provider_id=provider_id)
    client, secret = providers_service.create_api_client(
        form.db, provider=provider, name=body.name, actor=form.user.principal, now=utcnow()
    )
    return form.render(_with_secret(form.language, "client-made", client, secret), 200)


@router.post("/providers/{provider_id}/clients/rotate")
def rotate_client_secret(
    provider_id: int, form: ProviderForm, client_id: FormText = None
) -> HTMLResponse:
    """A new secret for one of the provider's clients, shown on this answer only."""
    change = providers_service.rotate_api_client_secret
    client, secret = _client_change(form, change, provider_id=provider_id, client_id=client_id)
    return form.render(_with_secret(form.language, "client-rotated", client, secret), 200)


@router.post("/providers/{provider_id}/clients/revoke")
def revoke_client(
    provider_id: int, form: ProviderForm, client_id: FormText = None, confirm: FormText = None
) -> Response:
    """Revoke one of the provider's clients, once the tick confirms it."""
    if not actions.confirmed(confirm):
        errors = actions.field_errors(form.language, "revoke-client", {"confirm": "confirm"})
        raise form.again(Outcome(errors=errors))
    change = providers_service.revoke_api_client
    _client_change(form, change, provider_id=provider_id, client_id=client_id)
    return form.done("client-revoked")


def _client_change(
    form: actions.Posted, change: Callable[..., T], *, provider_id: int, client_id: str | None
) -> T:
    """`change` (a service function of the admin API's client routes) on the chosen client;
    a client the provider does not have is refused on the page."""
    try:
        return change(
            form.db,
            provider_id=provider_id,
            client_id=(client_id or "").strip(),
            actor=form.user.principal,
            now=utcnow(),
        )
    except AppError as error:
        raise form.refused(error) from error


def _with_secret(language: Language, done: str, client: ApiClient, secret: str) -> Outcome:
    return Outcome(
        notice=translate(language, actions.NOTICES[done], client=client.client_id),
        secret=Secret(
            label=translate(language, N_("Client secret of %(client)s"), client=client.client_id),
            value=secret,
            hint=translate(
                language,
                N_(
                    "Shown only this once: the service keeps only a hash of it. "
                    "If it is lost, replace it."
                ),
            ),
        ),
    )


@router.post("/providers/{provider_id}/users")
def invite_portal_user(
    provider_id: int,
    form: ProviderForm,
    settings: SettingsDep,
    sessions: SessionmakerDep,
    background: BackgroundTasks,
    name: FormText = None,
    email: FormText = None,
    role: FormText = None,
    language: FormText = None,
) -> HTMLResponse:
    """Invite someone to the provider's portal (as the admin API): by mail when the service
    sends mail, else with a single-use link shown on this answer only."""
    data = {"name": (name or "").strip(), "email": (email or "").strip()}
    data |= {"role": role or "", "language": language or ""}
    body, problems = actions.checked(
        ProviderUserInvite,
        data,
        {"name": "person", "email": "email", "role": "choice", "language": "choice"},
    )
    if body is None:
        errors = actions.field_errors(form.language, "invite", problems)
        values = {f"invite-{key}": str(value) for key, value in data.items()}
        raise form.again(Outcome(errors=errors, values=values))
    now = utcnow()
    try:
        invitation = provider_users_service.invite(
            form.db,
            provider_id=provider_id,
            email=str(body.email),
            name=body.name,
            role=body.role,
            language=body.language,
            actor=form.user.principal,
            now=now,
        )
    except AppError as error:
        raise form.refused(error) from error
    passed = invitations.pass_on(
        form.db, settings, invitation, requested_by=form.user.principal.subject, now=now
    )
    if passed.delivery_id is not None:
        background.add_task(deliver_due, sessions, settings, [passed.delivery_id])
        notice = translate(form.language, actions.NOTICES["invitation-mailed"], email=body.email)
        return form.render(Outcome(notice=notice), 200)
    link = Secret(
        label=translate(form.language, N_("Invitation link of %(name)s"), name=body.name),
        value=passed.link or "",
        hint=translate(
            form.language,
            N_("Shown only this once. It works once, within seven days: send it to the person."),
        ),
    )
    notice = translate(form.language, actions.NOTICES["invited"])
    return form.render(Outcome(notice=notice, secret=link), 200)
