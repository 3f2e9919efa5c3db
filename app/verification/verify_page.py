"""What every verification page opens with (`VerifyPage`): the request, its session and
verifier set-up, and the reader's language and country; with links that keep the language
and the page saying there is no such credential. The worker's claim pages open the same way
(`app.claims.pages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.db import SessionDep, utcnow
from app.fields import Country, Language
from app.i18n import negotiate_language
from app.verification import certificate
from app.verification.dependencies import VerifierSetupDep
from app.verification.page_labels import NO_SUCH_CREDENTIAL
from app.verification.service import VerifierSetup
from app.verification.stored import StoredCredential
from app.web.dependencies import PageLanguage, page_country
from app.web.i18n import gettext as translate
from app.web.templates import render_error_page, render_page

ALL_COUNTRIES: Final = "all"
"""`?country=all`: recognition in every country, whatever `Accept-Language` says."""
NO_STORE: Final = {"Cache-Control": "no-store"}
"""A verdict is true today: revocation or expiry may change it tomorrow."""


def reader_country(
    request: Request,
    country: Annotated[
        str | None,
        Query(description="Employer's country: US, MX, CA, or all (else from Accept-Language)"),
    ] = None,
) -> Country | None:
    """The country whose recognition is shown; `all` (or nothing known) means every country."""
    if country is not None and country.strip().lower() == ALL_COUNTRIES:
        return None
    return page_country(request, country)


ReaderCountry = Annotated[Country | None, Depends(reader_country)]


@dataclass(frozen=True, slots=True)
class VerifyPage:
    """What every verification page opens with: the request, its session and verifier
    set-up, and the reader's language and country."""

    request: Request
    session: Session
    setup: VerifierSetup
    language: Language
    country: Country | None

    def render(
        self,
        template: str,
        context: dict[str, Any],
        *,
        headers: dict[str, str],
        country: Country | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        """The page `template` in the reader's language (and `country`, else theirs)."""
        return render_page(
            self.request,
            template,
            context,
            language=self.language,
            country=country_code(country or self.country),
            status_code=status_code,
            headers=headers,
        )

    def link(self, path: str) -> str:
        """A link within the site that keeps a language chosen with `?lang=`."""
        return site_link(self.request, path)

    def not_found(self) -> HTMLResponse:
        """The page saying there is no such credential (404)."""
        return _not_found(self.request, self.language)

    def certificate(
        self, credential: StoredCredential, *, result_url: str
    ) -> certificate.CertificateView:
        """The printable certificate of `credential`, checked now, linking to `result_url`."""
        return certificate.certificate_view(
            self.session,
            credential=credential,
            setup=self.setup,
            language=self.language,
            now=utcnow(),
            result_url=result_url,
        )


def verify_page(
    request: Request,
    session: SessionDep,
    setup: VerifierSetupDep,
    language: PageLanguage,
    country: ReaderCountry,
) -> VerifyPage:
    """The opening every verification page shares."""
    return VerifyPage(request, session, setup, language, country)


VerifyPageDep = Annotated[VerifyPage, Depends(verify_page)]


def country_code(country: Country | None) -> str | None:
    """The country's code, for the page's formats (None: none known)."""
    return country.value if country else None


def root_path(request: Request) -> str:
    """Where the app is mounted (the prefix of every link within the site)."""
    return str(request.scope.get("root_path", ""))


def site_link(request: Request, path: str) -> str:
    """A link within the site that keeps a language chosen with `?lang=`."""
    requested = request.query_params.get("lang")
    url = root_path(request) + path
    if requested:
        url += f"?lang={negotiate_language(requested, None)}"
    return url


def _not_found(request: Request, language: Language) -> HTMLResponse:
    return render_error_page(
        request,
        status_code=404,
        language=language,
        detail=translate(language, NO_SUCH_CREDENTIAL),
        headers=NO_STORE,
    )
