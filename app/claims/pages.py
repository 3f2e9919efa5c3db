"""The worker's pages: claim a credential once, then keep a personal link to it.

- `GET /claim/{token}`: the credential the link opens (who, which standard, issuer, dates)
  and a "Claim my credential" button. Looking spends nothing: mail scanners and browsers
  that prefetch links open them before the worker does, and a GET must be safe.
- `POST /claim/{token}`: the button (a plain form, no JavaScript). It spends the
  single-use secret and redirects (303) to the personal page; its second button
  (`then=wallet`) goes on (307) to a wallet offer, as the personal page's wallet button.
  A used or expired secret gets a 410 page, an unknown one a 404 page, each saying what
  to do, for GET and POST; but the same form posted again (a double click) is sent to
  the same personal page.
- `GET /api/v1/claims/{token}` and `POST /api/v1/claims/{token}` are the JSON equivalents:
  a look at the credential in both forms, then the claim, which adds the personal link.
- `GET /my/{token}`: the personal page: the credential, its standing, downloads
  (`credential.json`, `credential.jwt`, `credential-ob3.jwt`), the printable certificate,
  the share link and LinkedIn's add-to-profile link. `POST /my/{token}/regenerate`
  replaces the link.

The secret in the path is the capability. Every answer is `Cache-Control: no-store`,
`Referrer-Policy: no-referrer` and `X-Robots-Tag: noindex`, and the access log records
route templates, never paths. The two forms (claim, regenerate) carry no CSRF token and
check no `Origin`, unlike the console's: a forged post can only be made by someone who
already holds the secret and could use it directly, and the result (a redirect to a
personal link) goes to the browser that posted, not to the forger. Besides, under
`no-referrer` browsers post our own forms with `Origin: null`, which the console's check
refuses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse

from app.auth.dependencies import SettingsDep
from app.claims import service as claims
from app.claims.schemas import ClaimPreview, ClaimRead
from app.claims.service import ClaimGone, ClaimUsed, HolderLinkNotFound
from app.claims.views import claim_view, personal_view
from app.config import Settings
from app.credentials.dependencies import IdempotencyKey, SignerDep
from app.credentials.idempotency import check_key
from app.credentials.issuance import CLAIM_LINK_LIFETIME
from app.credentials.models import Credential
from app.crypto.jose import OB3_MEDIA_TYPE
from app.crypto.vcdm import VC_JWT_MEDIA_TYPE, VC_MEDIA_TYPE
from app.db import SessionDep, utcnow
from app.fields import Country, Language
from app.i18n import negotiate_language
from app.links import verify_url
from app.routing import ProblemRoute
from app.verification.dependencies import VerifierSetupDep
from app.verification.verify_page import VerifyPage
from app.web.dependencies import PageCountry, PageLanguage
from app.web.templates import render_page

router = APIRouter(tags=["pages"], route_class=ProblemRoute, default_response_class=HTMLResponse)
api_router = APIRouter(prefix="/api/v1/claims", tags=["claims"], route_class=ProblemRoute)

PRIVATE: Final = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}
"""Personal pages hold a secret in their address: never cached, never sent as a referrer,
never indexed (should an address leak to a crawler all the same)."""
CLAIM_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    404: {"description": "No such claim link"},
    410: {"description": "The claim link was used already, or has expired"},
}


@dataclass(frozen=True, slots=True)
class WorkerPage(VerifyPage):
    """What every page of the worker's side opens with (as a verification page does)."""

    def private(self, template: str, context: dict[str, Any]) -> HTMLResponse:
        """The page `template`, whose address holds a secret (`PRIVATE` headers)."""
        return _private_page(
            self.request, template, context, language=self.language, country=self.country
        )

    def holder_credential(self, holder_token: str) -> Credential | None:
        """The credential a personal link opens; None: answer with `holder_unknown`."""
        try:
            return claims.holder_credential(self.session, holder_token=holder_token)
        except HolderLinkNotFound:
            return None

    def personal_url(self, holder_token: str) -> str:
        """The personal page's address (keeping a language chosen in the address)."""
        return _personal_url(self.request, holder_token)

    def holder_unknown(self) -> HTMLResponse:
        """The page saying a personal link opens nothing (404)."""
        return _unavailable(self.request, self.language, reason="holder-unknown", status_code=404)


def worker_page(
    request: Request,
    language: PageLanguage,
    country: PageCountry,
    session: SessionDep,
    setup: VerifierSetupDep,
) -> WorkerPage:
    """The opening every page of the worker's side shares (the reader's country as every
    page reads it, not the verification pages' `all`)."""
    return WorkerPage(
        request=request, session=session, setup=setup, language=language, country=country
    )


WorkerPageDep = Annotated[WorkerPage, Depends(worker_page)]


@router.get("/claim/{token}", name="claim_page", response_model=None)
def claim_page(token: str, page: WorkerPageDep) -> Response:
    """The credential a claim link opens and a button to claim it; looking spends nothing."""
    now = utcnow()
    try:
        claimable = claims.claimable(page.session, token=token, now=now)
    except (ClaimGone, claims.ClaimNotFound) as error:
        return _claim_unavailable(page.request, page.language, error)
    view = claim_view(
        page.session,
        claimable=claimable,
        claim_token=token,
        setup=page.setup,
        language=page.language,
        now=now,
        root_path=_root_path(page.request),
        query=_lang_query(page.request),
    )
    return page.private("claim/claim.html", {"claim": view})


@router.post("/claim/{token}", name="claim_credential_page", response_model=None)
def claim_credential_page(
    token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    language: PageLanguage,
    attempt: Annotated[str | None, Form(max_length=200)] = None,
    then: Annotated[str | None, Form(max_length=20)] = None,
) -> Response:
    """Claim a credential (the link is then spent) and go to the personal page (303), or,
    with `then=wallet` (the "Claim and add to a digital wallet" button), on to a wallet
    offer of it (307: the browser posts to the personal page's wallet button).

    `attempt` is the form's own (fresh on each page): posting the same form again, as a
    double click does, leads to the same personal page.
    """
    try:
        link = claims.claim(
            session, token=token, now=utcnow(), key=_link_key(settings), attempt=attempt
        )
    except (ClaimGone, claims.ClaimNotFound) as error:
        return _claim_unavailable(request, language, error)
    if then == "wallet":
        return RedirectResponse(
            _personal_url(request, link.holder_token, suffix="/wallet"),
            status_code=status.HTTP_307_TEMPORARY_REDIRECT,
            headers=PRIVATE,
        )
    return _redirect_to_personal_page(request, link.holder_token)


@api_router.get("/{token}", response_model=ClaimPreview, responses=CLAIM_ERRORS)
def look_at_claim(
    token: str, session: SessionDep, settings: SettingsDep, response: Response
) -> ClaimPreview:
    """The credential a claim link opens, in both forms, and until when it can be claimed.

    Nothing is spent: claim it with `POST` on the same address.
    """
    claimable = claims.claimable(session, token=token, now=utcnow())
    credential = claimable.credential
    response.headers.update(PRIVATE)
    return ClaimPreview(
        credential_id=credential.id,
        credential=credential.document,
        jwt=credential.jwt,
        verify_url=verify_url(settings.public_base_url, credential.id),
        claimable=True,
        claim_expires_at=claimable.expires_at,
    )


@api_router.post("/{token}", response_model=ClaimRead, responses=CLAIM_ERRORS)
def claim_credential(
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ClaimRead:
    """Claim a credential: both forms and the personal link, shown this once.

    The claim link is then spent (410 from now on); keep `holder_url`. With an
    `Idempotency-Key`, a retry with the same key within ten minutes (the answer was lost,
    say) gets the same personal link again, unless it was regenerated since.
    """
    if idempotency_key is not None:
        check_key(idempotency_key)
    link = claims.claim(
        session, token=token, now=utcnow(), key=_link_key(settings), attempt=idempotency_key
    )
    credential = link.credential
    base_url = settings.public_base_url
    response.headers.update(PRIVATE)
    return ClaimRead(
        credential_id=credential.id,
        claimed_at=credential.claimed_at or utcnow(),
        credential=credential.document,
        jwt=credential.jwt,
        holder_url=f"{base_url}/my/{quote(link.holder_token, safe='')}",
        verify_url=verify_url(base_url, credential.id),
    )


@router.get("/my/{holder_token}", name="personal_page")
def personal_page(holder_token: str, page: WorkerPageDep) -> HTMLResponse:
    """The worker's own page: the credential, downloads, certificate and share links."""
    credential = page.holder_credential(holder_token)
    if credential is None:
        return page.holder_unknown()
    view = personal_view(
        page.session,
        credential=credential,
        holder_token=holder_token,
        setup=page.setup,
        language=page.language,
        now=utcnow(),
        root_path=_root_path(page.request),
        query=_lang_query(page.request),
    )
    return page.private("claim/personal.html", {"personal": view})


@router.get(
    "/my/{holder_token}/credential.json",
    name="personal_credential_json",
    response_class=Response,
    responses={200: {"content": {VC_MEDIA_TYPE: {}}}, 404: {"description": "No such link"}},
)
def personal_credential_json(holder_token: str, session: SessionDep) -> Response:
    """Download the credential secured with Data Integrity (eddsa-rdfc-2022)."""
    credential = claims.holder_credential(session, holder_token=holder_token)
    body = json.dumps(credential.document, ensure_ascii=False, indent=2) + "\n"
    return _download(body, media_type=VC_MEDIA_TYPE, filename=f"nassc-{credential.id}.json")


@router.get(
    "/my/{holder_token}/credential.jwt",
    name="personal_credential_jwt",
    response_class=Response,
    responses={200: {"content": {VC_JWT_MEDIA_TYPE: {}}}, 404: {"description": "No such link"}},
)
def personal_credential_jwt(holder_token: str, session: SessionDep) -> Response:
    """Download the credential as a compact vc+jwt."""
    credential = claims.holder_credential(session, holder_token=holder_token)
    return _download(
        credential.jwt, media_type=VC_JWT_MEDIA_TYPE, filename=f"nassc-{credential.id}.jwt"
    )


@router.get(
    "/my/{holder_token}/credential-ob3.jwt",
    name="personal_credential_ob3_jwt",
    response_class=Response,
    responses={200: {"content": {OB3_MEDIA_TYPE: {}}}, 404: {"description": "No such link"}},
)
def personal_credential_ob3_jwt(
    holder_token: str, session: SessionDep, signer: SignerDep
) -> Response:
    """Download the credential as a JWT in Open Badges 3.0's form (header `typ: JWT`, no
    `cty`; the payload of the vc+jwt), signed now with the issuer's active key."""
    credential = claims.holder_credential(session, holder_token=holder_token)
    unsecured = {key: value for key, value in credential.document.items() if key != "proof"}
    return _download(
        signer.ob3_jwt(unsecured),
        media_type=OB3_MEDIA_TYPE,
        filename=f"nassc-{credential.id}-ob3.jwt",
    )


@router.get("/my/{holder_token}/certificate", name="personal_certificate_page")
def personal_certificate_page(holder_token: str, page: WorkerPageDep) -> HTMLResponse:
    """The worker's printable certificate, with a QR code to the public verification page."""
    credential = page.holder_credential(holder_token)
    if credential is None:
        return page.holder_unknown()
    result_url = _personal_url(page.request, holder_token)
    view = page.certificate(credential, result_url=result_url)
    return page.private("verify/certificate.html", {"certificate": view})


@router.post("/my/{holder_token}/regenerate", name="regenerate_personal_link", response_model=None)
def regenerate_personal_link(
    holder_token: str, request: Request, session: SessionDep, language: PageLanguage
) -> Response:
    """Replace the personal link (the old one stops working) and go to the new one (303)."""
    try:
        link = claims.regenerate_holder_link(session, holder_token=holder_token)
    except HolderLinkNotFound:
        return _unavailable(request, language, reason="holder-unknown", status_code=404)
    return _redirect_to_personal_page(request, link.holder_token)


def _link_key(settings: Settings) -> bytes:
    # Personal link secrets derived from a claim are keyed with the server's token secret.
    return settings.token_secret.get_secret_value().encode()


def _redirect_to_personal_page(request: Request, holder_token: str) -> RedirectResponse:
    return RedirectResponse(
        _personal_url(request, holder_token),
        status_code=status.HTTP_303_SEE_OTHER,
        headers=PRIVATE,
    )


def _personal_url(request: Request, holder_token: str, *, suffix: str = "") -> str:
    path = f"{_root_path(request)}/my/{quote(holder_token, safe='')}{suffix}"
    return path + _lang_query(request)


def _claim_unavailable(
    request: Request, language: Language, error: ClaimGone | claims.ClaimNotFound
) -> HTMLResponse:
    if isinstance(error, claims.ClaimNotFound):
        return _unavailable(request, language, reason="unknown", status_code=404)
    reason = "used" if isinstance(error, ClaimUsed) else "expired"
    return _unavailable(request, language, reason=reason, status_code=status.HTTP_410_GONE)


def _private_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    language: Language,
    country: Country | None,
) -> HTMLResponse:
    """A page whose address holds a secret (`PRIVATE` headers)."""
    return render_page(
        request,
        template,
        context,
        language=language,
        country=country.value if country else None,
        headers=PRIVATE,
    )


def _unavailable(
    request: Request, language: Language, *, reason: str, status_code: int
) -> HTMLResponse:
    return render_page(
        request,
        "claim/unavailable.html",
        {"reason": reason, "claim_days": CLAIM_LINK_LIFETIME.days},
        language=language,
        status_code=status_code,
        headers=PRIVATE,
    )


def _download(body: str, *, media_type: str, filename: str) -> Response:
    return Response(
        body.encode(),
        media_type=media_type,
        headers={
            **PRIVATE,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _root_path(request: Request) -> str:
    return str(request.scope.get("root_path", ""))


def _lang_query(request: Request) -> str:
    """`?lang=…` when the language was chosen in the address, to keep it across pages."""
    requested = request.query_params.get("lang")
    return f"?lang={negotiate_language(requested, None)}" if requested else ""
