"""Request dependencies of verification: the verifier set-up, the audience, the raw body.

They do no blocking work, so they are `async`: FastAPI then runs them on the event loop
instead of sending each to the thread pool (a thread hop per dependency per request).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from app.errors import ValidationFailed
from app.i18n import country_from_accept_language, negotiate_language
from app.routing import media_type_of
from app.standards.enums import Country
from app.verification.service import Audience, VerifierSetup


class InvalidCountry(ValidationFailed):
    slug = "invalid-country"
    title = "country must be US, MX or CA"


async def get_verifier_setup(request: Request) -> VerifierSetup:
    """The app's contexts, key cache and (if enabled) remote status list source.

    `app.state.remote_status_lists` (a `RemoteStatusLists`) enables fetching other trusted
    issuers' lists from their own hosts; it is absent by default.
    """
    state = request.app.state
    return VerifierSetup(
        settings=state.settings,
        contexts=state.contexts,
        key_cache=state.key_cache,
        remote=getattr(state, "remote_status_lists", None),
    )


VerifierSetupDep = Annotated[VerifierSetup, Depends(get_verifier_setup)]


async def get_audience(
    request: Request,
    country: Annotated[
        str | None,
        Query(description="The employer's country: US, MX or CA (else from Accept-Language)"),
    ] = None,
    lang: Annotated[str | None, Query(description="en, es or fr (else Accept-Language)")] = None,
) -> Audience:
    """The employer's country (`?country=`, else the region of `Accept-Language`) and language."""
    accept_language = request.headers.get("accept-language")
    if country is not None:
        try:
            employer_country: Country | None = Country(country.strip().upper())
        except ValueError:
            raise InvalidCountry(f"Unknown country {country!r}; use US, MX or CA.") from None
    else:
        region = country_from_accept_language(accept_language)
        employer_country = Country(region) if region else None
    language = negotiate_language(lang, accept_language) if (lang or accept_language) else None
    return Audience(country=employer_country, language=language)


AudienceDep = Annotated[Audience, Depends(get_audience)]


async def raw_body(request: Request) -> bytes:
    """The request body as bytes (its size is capped by the body-limit middleware)."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


async def request_media_type(request: Request) -> str:
    """The request's media type, lower-cased, without parameters."""
    return media_type_of(request)


MediaType = Annotated[str, Depends(request_media_type)]
