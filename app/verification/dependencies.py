"""Request dependencies of verification: the verifier set-up and the audience.

They do no blocking work, so they are `async`: FastAPI then runs them on the event loop
instead of sending each to the thread pool (a thread hop per dependency per request).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from app.errors import ValidationFailed
from app.fields import Country
from app.i18n import country_from_accept_language, negotiate_language
from app.verification.service import Audience, VerifierSetup


class InvalidCountry(ValidationFailed):
    slug = "invalid-country"
    title = "country must be US, MX or CA"


async def get_verifier_setup(request: Request) -> VerifierSetup:
    """The app's contexts, key cache, verification caches, event recorder and (if enabled)
    remote status list source.

    `app.state.remote_status_lists` (a `RemoteStatusLists`, made by `create_app` unless
    `NASSC_FETCH_TRUSTED_STATUS_LISTS=false`) fetches other trusted issuers' lists from their
    own hosts; without it those status checks are `unknown`.
    """
    return verifier_setup(request)


def verifier_setup(request: Request) -> VerifierSetup:
    """`get_verifier_setup` as a plain function, for routes that read the request directly."""
    state = request.app.state
    remote = getattr(state, "remote_status_lists", None)
    setup: VerifierSetup | None = getattr(state, "verifier_setup", None)
    if setup is None or setup.remote is not remote:  # made once per app (and remote source)
        setup = VerifierSetup(
            settings=state.settings,
            contexts=state.contexts,
            key_cache=state.key_cache,
            published_lists=state.published_status_lists,
            credentials=state.stored_credentials,
            remote=remote,
            foreign_keys=getattr(state, "foreign_keys", None),
            caches=state.verifier_caches,
            events=state.verification_events,
            proofs=state.proof_checker,
        )
        state.verifier_setup = setup
    return setup


VerifierSetupDep = Annotated[VerifierSetup, Depends(get_verifier_setup)]


_COUNTRY_DESCRIPTION = "The employer's country: US, MX or CA (else from Accept-Language)"
_LANG_DESCRIPTION = "en, es or fr (else Accept-Language)"
AUDIENCE_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }
    for name, description in (("country", _COUNTRY_DESCRIPTION), ("lang", _LANG_DESCRIPTION))
]
"""The OpenAPI description of `?country=` and `?lang=`, for routes that use `audience_of`."""


async def get_audience(
    request: Request,
    country: Annotated[str | None, Query(description=_COUNTRY_DESCRIPTION)] = None,
    lang: Annotated[str | None, Query(description=_LANG_DESCRIPTION)] = None,
) -> Audience:
    """The employer's country (`?country=`, else the region of `Accept-Language`) and language."""
    return _audience(country, lang, request.headers.get("accept-language"))


def audience_of(request: Request) -> Audience:
    """`get_audience` as a plain function, for routes that read the request directly (their
    OpenAPI `parameters` are `AUDIENCE_PARAMETERS`)."""
    query = request.query_params
    return _audience(
        query.get("country"), query.get("lang"), request.headers.get("accept-language")
    )


@lru_cache(maxsize=256)
def _audience(country: str | None, lang: str | None, accept_language: str | None) -> Audience:
    # Cached: clients send few distinct values, and language negotiation (Babel) is slow.
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
