"""The public verification pages, in English, Spanish and French; they run no JavaScript.

- `GET /verify`: a form to paste a credential (JSON or vc+jwt) or upload its file;
  `POST /verify` verifies what was sent and shows the result (or the form with an error).
- `GET /verify/{id}`: the verification of a credential issued here: the verdict first, then
  every check, the credential's content, its competency units and what it means in the
  employer's country (`?country=US|MX|CA|all`, else the region of `Accept-Language`).
  `Accept: application/json` gets the body of `GET /api/v1/verify/{id}` instead.
- `GET /verify/{id}/certificate`: a printable certificate; `GET /verify/{id}/qr.svg`: the
  QR code of the page's address.

Each page opens with `app.verification.verify_page.VerifyPage`.

Pages and API share the verification service, so they always give the same verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import SessionDep, utcnow
from app.errors import NotFound
from app.fields import Country
from app.i18n import negotiate_language
from app.links import verify_url
from app.routing import ProblemRoute
from app.verification import qr, responses, service, views
from app.verification.dependencies import InvalidCountry, VerifierSetupDep, get_audience
from app.verification.form_input import (
    SubmittedForm,
    UnreadableSubmission,
    credential_reference,
    result_link,
    submission_from_form,
)
from app.verification.schemas import CredentialVerificationRead
from app.verification.service import Audience, PresentationReport
from app.verification.verify_page import (
    ALL_COUNTRIES,
    NO_STORE,
    ReaderCountry,
    VerifyPageDep,
    country_code,
    root_path,
    site_link,
)
from app.verification.views import CountryChoice, country_choices
from app.web.dependencies import PageLanguage
from app.web.i18n import gettext as translate
from app.web.negotiation import prefers_json
from app.web.templates import render_page

router = APIRouter(tags=["pages"], route_class=ProblemRoute, default_response_class=HTMLResponse)

NEGOTIATED: Final = {**NO_STORE, "Vary": "Accept, Accept-Language"}
QR_HEADERS: Final = {
    # The image depends only on the credential id and the public base URL.
    "Cache-Control": "public, max-age=86400",
    "Content-Security-Policy": "default-src 'none'",
    "X-Content-Type-Options": "nosniff",
}


async def api_audience(request: Request) -> Audience | InvalidCountry:
    """The audience exactly as `GET /api/v1/verify/{id}` reads it (or its error), for JSON."""
    try:
        return await get_audience(
            request,
            country=request.query_params.get("country"),
            lang=request.query_params.get("lang"),
        )
    except InvalidCountry as error:
        return error


ApiAudience = Annotated[Audience | InvalidCountry, Depends(api_audience)]


async def submitted_form(request: Request) -> SubmittedForm:
    """The posted form (urlencoded or multipart); the body-limit middleware caps its size."""
    try:
        form = await request.form(max_files=1, max_fields=10)
    except StarletteHTTPException as error:
        if error.status_code != 400:
            raise
        return SubmittedForm(unreadable=True)
    try:
        text, upload, country = form.get("credential"), form.get("file"), form.get("country")
        data = await upload.read() if isinstance(upload, UploadFile) else b""
    finally:
        await form.close()
    return SubmittedForm(
        text=text if isinstance(text, str) else "",
        upload=data,
        country=country if isinstance(country, str) else None,
    )


SubmittedFormDep = Annotated[SubmittedForm, Depends(submitted_form)]


@dataclass(frozen=True, slots=True)
class FormView:
    """The verification form: where it posts, what was pasted, and what went wrong."""

    action_url: str
    countries: list[CountryChoice]
    text: str = ""
    error: str | None = None
    wallet_url: str = "/verify/wallet"
    """The page that asks the worker's wallet instead (app.presentations)."""


@router.get("/verify", name="verify_form_page")
def verify_form_page(
    request: Request, language: PageLanguage, country: ReaderCountry
) -> HTMLResponse:
    """The verification form: paste a credential or upload its file."""
    form = FormView(
        action_url=site_link(request, "/verify"),
        countries=country_choices(country, language),
        wallet_url=site_link(request, "/verify/wallet"),
    )
    return render_page(
        request,
        "verify/form.html",
        {"form": form},
        language=language,
        country=country_code(country),
    )


@router.post(
    "/verify",
    name="verify_submission_page",
    response_model=None,
    responses={303: {"description": "A credential id or verification link: its result page"}},
)
def verify_submission_page(form: SubmittedFormDep, page: VerifyPageDep) -> Response:
    """Verify a pasted or uploaded credential or presentation and show the result; a
    credential id, `urn:uuid:…` or verification link opens that credential's page (303)."""
    language = page.language
    chosen = _form_country(form.country, default=page.country)
    reference = None if form.upload else credential_reference(form.text)
    if reference is not None:  # an id or a link: its page, in the reader's language
        requested = page.request.query_params.get("lang")
        lang = negotiate_language(requested, None) if requested else None
        all_countries = (form.country or "").strip().lower() == ALL_COUNTRIES
        country = chosen.value if chosen else (ALL_COUNTRIES if all_countries else None)
        url = result_link(root_path(page.request), reference, language=lang, country=country)
        return RedirectResponse(url, status_code=303)
    try:
        submission = submission_from_form(form)
    except UnreadableSubmission as error:
        view = FormView(
            action_url=page.link("/verify"),
            countries=country_choices(chosen, language),
            text=form.text,
            error=translate(language, error.message),
            wallet_url=page.link("/verify/wallet"),
        )
        return page.render(
            "verify/form.html", {"form": view}, country=chosen, status_code=400, headers=NO_STORE
        )
    report = service.verify_submission(
        page.session,
        submission=submission,
        setup=page.setup,
        audience=Audience(country=chosen, language=language),
        now=(now := utcnow()),
    )
    root = root_path(page.request)
    context: dict[str, Any] = {
        "checked_at": now,
        "form_url": page.link("/verify"),
        "resubmit": _resubmission(form, action=f"{root}/verify"),
    }
    if isinstance(report, PresentationReport):
        presented = views.presentation_view(page.session, report, language=language, root_path=root)
        context |= {"headline": presented.verdict, "presentation": presented, "results": []}
    else:
        result = views.result_view(page.session, report, language=language, root_path=root)
        context |= {"headline": result.verdict, "presentation": None, "results": [result]}
    return page.render("verify/submitted.html", context, country=chosen, headers=NO_STORE)


@router.get(
    "/verify/{credential_id}",
    name="verify_credential_page",
    response_model=None,
    # Answers are built explicitly (a page or JSON); this only documents the JSON's schema.
    response_class=JSONResponse,
    responses={
        200: {
            "description": "The result page, or its JSON to `Accept: application/json`",
            "model": CredentialVerificationRead,
            "content": {"text/html": {}},
        },
        404: {"description": "No such credential (an HTML page, or problem+json)"},
    },
)
def verify_credential_page(
    credential_id: str, page: VerifyPageDep, audience: ApiAudience
) -> Response:
    """The verification of a credential issued here: the verdict, then every check.

    To `Accept: application/json` it answers exactly as `GET /api/v1/verify/{id}`.
    """
    now = utcnow()
    session, setup, language, country = page.session, page.setup, page.language, page.country
    if prefers_json(page.request.headers.get("accept")):
        if isinstance(audience, InvalidCountry):
            raise audience
        report = service.verify_stored_credential(
            session, credential_id=credential_id, setup=setup, audience=audience, now=now
        )
        body = responses.credential_read(report).model_dump(mode="json")
        return JSONResponse(body, headers=NEGOTIATED)
    try:
        report = service.verify_stored_credential(
            session,
            credential_id=credential_id,
            setup=setup,
            audience=Audience(country=country, language=language),
            now=now,
        )
    except NotFound:  # no such credential
        return page.not_found()
    root = root_path(page.request)
    result = views.result_view(session, report, language=language, root_path=root)
    identifier = (result.credential.credential_id if result.credential else None) or credential_id
    context = {
        "result": result,
        "countries": country_choices(country, language),
        "checked_at": now,
        "certificate_url": page.link(f"/verify/{identifier}/certificate"),
        "json_url": f"{root}/api/v1/verify/{identifier}",
        "form_url": page.link("/verify"),
    }
    return page.render("verify/result.html", context, headers=NEGOTIATED)


@router.get("/verify/{credential_id}/certificate", name="certificate_page")
def certificate_page(credential_id: str, page: VerifyPageDep) -> HTMLResponse:
    """A printable certificate of a credential issued here, with a QR code to verify it."""
    try:
        credential = page.setup.credentials.get(page.session, credential_id)
    except NotFound:  # no such credential
        return page.not_found()
    result_url = page.link(f"/verify/{credential.id}")
    view = page.certificate(credential, result_url=result_url)
    return page.render("verify/certificate.html", {"certificate": view}, headers=NO_STORE)


@router.get(
    "/verify/{credential_id}/qr.svg",
    name="verify_qr_code",
    response_class=Response,
    responses={
        200: {"description": "An SVG QR code", "content": {"image/svg+xml": {}}},
        404: {"description": "No such credential"},
    },
)
def verify_qr_code(credential_id: str, session: SessionDep, setup: VerifierSetupDep) -> Response:
    """The QR code of the credential's verification page (SVG), for certificates and print."""
    credential = setup.credentials.get(session, credential_id)
    image = qr.qr_svg(verify_url(setup.settings.public_base_url, credential.id))
    return Response(image, media_type="image/svg+xml", headers=QR_HEADERS)


def _form_country(value: str | None, *, default: Country | None) -> Country | None:
    if value is None:
        return default
    if value.strip().lower() == ALL_COUNTRIES:
        return None
    try:
        return Country(value.strip().upper())
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class Resubmission:
    """What the language switcher of a posted form's result posts again (`fields` to
    `action`): such a result has no address of its own that a language link could open."""

    action: str
    fields: tuple[tuple[str, str], ...] = ()


def _resubmission(form: SubmittedForm, *, action: str) -> Resubmission | None:
    try:
        text = form.upload.decode("utf-8") if form.upload else form.text
    except UnicodeDecodeError:
        return None
    country = (("country", form.country),) if form.country else ()
    return Resubmission(action=action, fields=(("credential", text), *country))
