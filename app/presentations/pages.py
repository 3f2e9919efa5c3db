"""The employer's pages: ask a worker's wallet for a certification, then see the answer.

- `GET /verify/wallet`: a form (one standard or a sector, which claims, which formats, the
  employer's country); `POST /verify/wallet` makes the request (a few per address per
  minute) and sends the browser to its page.
- `GET /verify/wallet/{id}`: while the wallet has not answered, the request as a QR code and
  a same-device link; the page reloads itself every few seconds (no JavaScript). Then the
  result: what was disclosed, what it means in the employer's country, what was withheld; or
  that the worker declined. The address is the request's secret: the wallet never sees it.
- `GET /verify/wallet/{id}/open`: the same-device link; the wallet's answer then sends this
  browser back to the result.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.dependencies import ClientAddressDep
from app.db import SessionDep, utcnow
from app.errors import AppError
from app.fields import Country
from app.issuer import service as issuer_service
from app.presentations import authorization, service, views
from app.presentations.dcql import Claim, Format
from app.presentations.models import PresentationRequest, RequestStatus
from app.presentations.throttle import CreationThrottle
from app.routing import ProblemRoute
from app.standards import service as standards_service
from app.standards.enums import Sector
from app.verification.dependencies import VerifierSetupDep
from app.verification.qr import qr_data_uri
from app.web.dependencies import PageCountry, PageLanguage
from app.web.i18n import gettext as translate
from app.web.templates import render_page
from app.web.vocabulary import N_

router = APIRouter(tags=["pages"], route_class=ProblemRoute, default_response_class=HTMLResponse)

PAGE_PATH: Final = "/verify/wallet"
REFRESH_SECONDS: Final = 5
PRIVATE: Final = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}
"""A request's page holds its secret in the address and, once answered, personal data."""
CHOOSE_ONE: Final = N_("Choose a standard or a sector.")
CHOOSE_FORMAT: Final = N_("Choose at least one format.")
NO_STANDARD: Final = N_("No published standard matches your choice.")


@router.get(PAGE_PATH, name="wallet_request_form")
def wallet_request_form(
    request: Request, session: SessionDep, language: PageLanguage, country: PageCountry
) -> HTMLResponse:
    """The form that asks a worker's wallet for a certification."""
    form = views.form_view(
        standards_service.newest_published(session),
        language=language,
        country=country,
        action_url=_link(request, PAGE_PATH),
    )
    return render_page(request, "verify/wallet_form.html", {"form": form}, language=language)


@router.post(
    PAGE_PATH,
    name="wallet_request_create",
    responses={303: {"description": "Made: to the request's page"}},
)
def wallet_request_create(
    request: Request,
    session: SessionDep,
    setup: VerifierSetupDep,
    language: PageLanguage,
    address: ClientAddressDep,
    standard: Annotated[str, Form(max_length=64)] = "",
    sector: Annotated[str, Form(max_length=64)] = "",
    claims: Annotated[list[str] | None, Form(max_length=10)] = None,
    formats: Annotated[list[str] | None, Form(max_length=3)] = None,
    country: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Make a request and go to its page (the form again, saying why, if it cannot be made)."""
    _throttle(request, setup.settings.presentation_requests_per_minute).take(address)
    employer = _country(country)
    chosen_formats = [Format(f) for f in formats or [] if f in Format.__members__.values()]
    chosen_claims = [Claim(c) for c in claims or [] if c in Claim.__members__.values()]
    error = None
    if not standard and not sector:
        error = CHOOSE_ONE
    elif not chosen_formats:
        error = CHOOSE_FORMAT
    if error is None:
        try:
            made = service.create_request(
                session,
                choice=service.RequestChoice(
                    formats=chosen_formats,
                    claims=chosen_claims,
                    standard_code=standard or None,
                    sector=None if standard else _sector(sector),
                    language=language,
                    employer_country=employer,
                ),
                base_url=setup.settings.public_base_url,
                lifetime=timedelta(seconds=setup.settings.presentation_request_seconds),
                created_by=None,
                now=utcnow(),
            )
        except AppError:
            error = NO_STANDARD
        else:
            return RedirectResponse(_page_url(request, made), status_code=303, headers=PRIVATE)
    form = views.form_view(
        standards_service.newest_published(session),
        language=language,
        country=employer,
        action_url=_link(request, PAGE_PATH),
        error=translate(language, error),
    )
    return render_page(
        request, "verify/wallet_form.html", {"form": form}, language=language, status_code=400
    )


@router.get(PAGE_PATH + "/{request_id}", name="wallet_request_page")
def wallet_request_page(
    request_id: str,
    request: Request,
    session: SessionDep,
    setup: VerifierSetupDep,
    language: PageLanguage,
) -> HTMLResponse:
    """The request's QR code and link while pending; then the wallet's answer."""
    found = service.find_request(session, request_id, now=utcnow())
    if found is None:
        return render_page(
            request,
            "verify/wallet_request.html",
            {"wallet": {"state": "gone", "new_url": _link(request, PAGE_PATH)}},
            language=language,
            status_code=404,
            headers=PRIVATE,
        )
    context: dict[str, object] = {
        "state": found.status,
        "new_url": _link(request, PAGE_PATH),
        "refresh": REFRESH_SECONDS,
    }
    if found.status == RequestStatus.pending.value:
        base_url = setup.settings.public_base_url
        parameters = service.authorization_request(found, base_url=base_url)
        did = issuer_service.issuer_did(setup.settings)
        context["qr"] = qr_data_uri(authorization.qr_link(parameters, base_url=base_url, did=did))
        context["open_url"] = _page_url(request, found, "/open")
        context["minutes"] = max(1, setup.settings.presentation_request_seconds // 60)
    else:
        context["result"] = views.result_view(session, found, language=language)
        context["error"] = (found.result or {}).get("error")
    return render_page(
        request,
        "verify/wallet_request.html",
        {"wallet": context},
        language=language,
        country=found.employer_country,
        headers=PRIVATE,
    )


@router.get(
    PAGE_PATH + "/{request_id}/open",
    name="wallet_request_open",
    responses={303: {"description": "To the openid4vp:// link (or back to the request's page)"}},
)
def wallet_request_open(
    request_id: str,
    request: Request,
    session: SessionDep,
    setup: VerifierSetupDep,
    language: PageLanguage,
) -> Response:
    """Open the wallet on this device; its answer brings this browser back to the result."""
    found = service.find_request(session, request_id, now=utcnow())
    if found is None or found.status != RequestStatus.pending.value:
        return RedirectResponse(_link(request, f"{PAGE_PATH}/{request_id}"), status_code=303)
    service.mark_same_device(session, found)
    link = authorization.request_link(
        service.authorization_request(found, base_url=setup.settings.public_base_url)
    )
    return RedirectResponse(link, status_code=303, headers=PRIVATE)


def _throttle(request: Request, per_minute: int) -> CreationThrottle:
    state = request.app.state
    throttle: CreationThrottle | None = getattr(state, "presentation_throttle", None)
    if throttle is None:
        throttle = CreationThrottle(per_minute)
        state.presentation_throttle = throttle
    return throttle


def _page_url(request: Request, made: PresentationRequest, suffix: str = "") -> str:
    root = request.scope.get("root_path", "")
    return f"{root}{PAGE_PATH}/{made.id}{suffix}?lang={made.language}"


def _link(request: Request, path: str) -> str:
    root = request.scope.get("root_path", "")
    lang = request.query_params.get("lang")
    return f"{root}{path}" + (f"?lang={lang}" if lang else "")


def _country(value: str) -> Country | None:
    try:
        return Country(value.strip().upper())
    except ValueError:
        return None


def _sector(value: str) -> Sector | None:
    try:
        return Sector(value)
    except ValueError:
        return None
