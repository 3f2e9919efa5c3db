"""The provider's API clients, for its administrators: the list, a new client, a new secret,
revoking one.

Each form calls the service function the admin API's client routes call
(`providers_service.create_api_client`, `rotate_api_client_secret`, `revoke_api_client`),
with the provider user's principal as the audited actor, and a new client's name is read
with the API's own request schema (`ApiClientCreate`). Every lookup is limited to the
signed-in user's provider, so another provider's client id is not found (404), whether it
exists or not. A secret is shown on the answer to the post that made it, once; the pages
are never stored (`SessionPageRoute`'s `no-store`).
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from app.db import utcnow
from app.fields import Language
from app.portal.dependencies import PortalAdminPoster, PortalAdminReader, PortalDb, PortalUser
from app.portal.pages import form_errors, portal_path, render_portal, see_other
from app.portal.routing import PortalRoute
from app.portal.vocabulary import CLIENT_NOTICES
from app.providers import service as providers_service
from app.providers.models import ApiClient
from app.providers.schemas import ApiClientCreate
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.page_errors import PageReply

router = APIRouter(prefix="/clients", route_class=PortalRoute, default_response_class=HTMLResponse)

FormText = Annotated[str | None, Form(max_length=4000)]
CONFIRMED: Final = "yes"
"""The value of the ticked confirmation box of the revocation form."""


def _clients_page(
    request: Request,
    db: PortalDb,
    user: PortalUser,
    *,
    language: Language,
    notice: str | None = None,
    secret: tuple[ApiClient, str] | None = None,
    name: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render_portal(
        request,
        "portal/clients.html",
        {
            "clients": providers_service.list_api_clients(db, provider_id=user.provider_id),
            "notice": notice,
            "secret": secret,
            "name": name,
            "errors": errors or {},
        },
        language=language,
        user=user,
        section="clients",
        status_code=status_code,
    )


def _secret_page(
    request: Request,
    db: PortalDb,
    user: PortalUser,
    *,
    language: Language,
    done: str,
    secret: tuple[ApiClient, str],
) -> HTMLResponse:
    """The page after a form that made a secret (`done`: "made" or "rotated"), showing it."""
    notice = translate(language, CLIENT_NOTICES[done], client=secret[0].client_id)
    return _clients_page(request, db, user, language=language, notice=notice, secret=secret)


@router.get("", name="portal_clients")
def clients(
    request: Request,
    db: PortalDb,
    user: PortalAdminReader,
    language: PageLanguage,
    done: str | None = None,
) -> HTMLResponse:
    """The provider's API clients (never their secrets) and the form to make another."""
    notice = translate(language, CLIENT_NOTICES["revoked"]) if done == "revoked" else None
    return _clients_page(request, db, user, language=language, notice=notice)


@router.post("")
def create_client(
    request: Request,
    db: PortalDb,
    user: PortalAdminPoster,
    language: PageLanguage,
    name: FormText = None,
) -> HTMLResponse:
    """A new API client of the provider; its secret is shown on this answer only."""
    try:
        body = ApiClientCreate.model_validate({"name": name or ""})
    except ValidationError:
        errors = form_errors(language, {"client-name": "client-name"})
        page = _clients_page(
            request, db, user, language=language, name=name or "", errors=errors, status_code=400
        )
        raise PageReply(page) from None
    provider = providers_service.get_provider(db, provider_id=user.provider_id)
    made = providers_service.create_api_client(
        db, provider=provider, name=body.name, actor=user.principal, now=utcnow()
    )
    return _secret_page(request, db, user, language=language, done="made", secret=made)


@router.post("/{client_id}/rotate")
def rotate_client_secret(
    client_id: str,
    request: Request,
    db: PortalDb,
    user: PortalAdminPoster,
    language: PageLanguage,
) -> HTMLResponse:
    """A new secret for one of the provider's clients, shown on this answer only; the old
    secret and the tokens it got stop working at once."""
    rotated = providers_service.rotate_api_client_secret(
        db, provider_id=user.provider_id, client_id=client_id, actor=user.principal, now=utcnow()
    )
    return _secret_page(request, db, user, language=language, done="rotated", secret=rotated)


@router.post("/{client_id}/revoke")
def revoke_client(
    client_id: str,
    request: Request,
    db: PortalDb,
    user: PortalAdminPoster,
    language: PageLanguage,
    confirm: FormText = None,
) -> Response:
    """Revoke one of the provider's clients, once the tick confirms it; its tokens stop
    working on their next request."""
    if confirm != CONFIRMED:
        # Looked up first, so that another provider's client is a 404 even unconfirmed.
        providers_service.get_api_client(db, provider_id=user.provider_id, client_id=client_id)
        errors = form_errors(language, {f"revoke-{client_id}": "confirm"})
        page = _clients_page(request, db, user, language=language, errors=errors, status_code=400)
        raise PageReply(page)
    providers_service.revoke_api_client(
        db, provider_id=user.provider_id, client_id=client_id, actor=user.principal, now=utcnow()
    )
    return see_other(portal_path(request, "/clients", language=language, done="revoked"))
