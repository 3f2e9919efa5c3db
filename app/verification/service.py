"""Verification for requests: wire the engine to the database, add summaries, count events.

`verify_submission` verifies what a client sent; `verify_stored_credential` verifies one of
this service's credentials by id (the public verification page and its JSON twin). Both
record one anonymous `VerificationEvent` per credential: the standard, the issuing and the
employer's country, the outcome and the time — never the credential, holder or client
(written with the request or in batches: `app.verification.events`).

`verify_sd_jwt_vc` verifies an SD-JWT VC presentation against the key binding a verifier
expects (OpenID4VP: its client id as audience, its nonce, a fresh `iat`).

`verify_body_from_cache` is `verify_body` for a vc+jwt without a session: when the keys,
status lists and standard it needs are in this process's caches (`app.verification.caches`)
it answers without any I/O, so the API can answer it on the event loop; otherwise it says
so (None), and the body is verified with a session in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from app.config import Settings
from app.crypto.contexts import PinnedContexts
from app.crypto.sd_jwt import KeyBindingExpectation
from app.crypto.vcdm import VC_JWT_MEDIA_TYPE
from app.fields import Country, Language
from app.keys.service import KeyCache
from app.standards.schemas import StandardRead
from app.verification.caches import CacheMiss, VerifierCaches
from app.verification.checks import CheckName, CheckStatus
from app.verification.engine import VerificationEngine
from app.verification.events import EventRecorder, PendingEvent
from app.verification.forms import (
    CredentialInput,
    PresentationInput,
    credential_from_sd_jwt,
    credential_from_token,
    parse_body,
    parse_request,
)
from app.verification.named_standards import standard_of, standard_reference
from app.verification.proofs import Proofs
from app.verification.recognition import DEFAULT_LANGUAGES, RecognitionRead, recognition_for
from app.verification.results import CredentialVerification, PresentationVerification
from app.verification.sd_jwt_view import readable_document
from app.verification.status_sources import LocalStatusLists, PublishedLists, StatusListSource
from app.verification.stored import StoredCredentials
from app.verification.summary import CredentialSummary, summarize
from app.verification.trust import DatabaseTrustRegistry, KeyResolver
from app.verification.type_metadata import StandardTypes

URN_UUID = "urn:uuid:"
MAX_CACHED_TOKEN_BYTES: Final = 64 * 1024
"""Larger tokens are verified in a worker thread: decoding one holds the event loop."""


@dataclass(frozen=True, slots=True)
class VerifierSetup:
    """What verification needs from the running app (loaded once, shared by requests).

    `published_lists` and `credentials` are the adapters over issuance (`app.adapters`):
    this service's published status lists and its stored credentials.
    `remote` is the source for other trusted issuers' status lists; None (the default)
    means they are not fetched and their status checks are `unknown`. `caches` are the
    app's; `events` is the
    app's recorder (None: each event is written through the request's session). `proofs`
    is where Data Integrity proofs are checked (None: in the request's thread).
    """

    settings: Settings
    contexts: PinnedContexts
    key_cache: KeyCache
    published_lists: PublishedLists
    credentials: StoredCredentials
    caches: VerifierCaches
    remote: StatusListSource | None = None
    foreign_keys: KeyResolver | None = None
    """Keys of issuers outside the registry, for the VC API (did:key; did:web if enabled)."""
    events: EventRecorder | None = None
    proofs: Proofs | None = None


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is asking, as far as recognition needs: the employer's country and language.

    No country means recognition in all three countries; no language means each country's
    default (English for the US and Canada, Spanish for Mexico).
    """

    country: Country | None = None
    language: Language | None = None


@dataclass(frozen=True, slots=True)
class CredentialReport:
    """A credential's verification with what the employer is shown."""

    result: CredentialVerification
    summary: CredentialSummary | None
    recognition: list[RecognitionRead] = field(default_factory=list)
    employer_country: Country | None = None


@dataclass(frozen=True, slots=True)
class PresentationReport:
    """A presentation's verification with a report per held credential."""

    result: PresentationVerification
    credentials: list[CredentialReport]
    employer_country: Country | None = None


Report = CredentialReport | PresentationReport


def build_engine(
    session: Session | None,
    *,
    setup: VerifierSetup,
    now: datetime,
    resolver: KeyResolver | None = None,
) -> VerificationEngine:
    """An engine for one request: the registry and status lists from the app's caches, else
    read through `session` (without one, what is not cached raises `CacheMiss`). With a
    `resolver`, issuers outside the registry whose keys it knows are checked too (the VC
    API); without one (our API, the pages), only trusted issuers are."""
    settings = setup.settings
    return VerificationEngine(
        registry=DatabaseTrustRegistry(session, settings=settings, own_keys=setup.caches.own_keys),
        status_lists=LocalStatusLists(
            session,
            published=setup.published_lists,
            remote=setup.remote,
            cache=setup.caches.own_lists,
        ),
        contexts=setup.contexts,
        now=now,
        proofs=setup.proofs,
        resolver=resolver,
        types=StandardTypes(session, base_url=settings.public_base_url),
    )


def verify_body(
    session: Session,
    *,
    body: bytes,
    media_type: str,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
) -> Report:
    """Verify a request body (any form `forms.parse_body` reads, with the holder binding a
    JSON body asks for); one event per credential."""
    submission, asked = parse_request(body, media_type)
    return verify_submission(
        session,
        submission=submission,
        setup=setup,
        audience=audience,
        now=now,
        challenge=asked.challenge,
        domain=asked.domain,
    )


def verify_body_from_cache(
    *, body: bytes, media_type: str, setup: VerifierSetup, audience: Audience, now: datetime
) -> CredentialReport | None:
    """`verify_body` without a session or any other I/O, or None when it cannot be.

    Only a vc+jwt body of at most `MAX_CACHED_TOKEN_BYTES` is tried (JSON bodies, Data
    Integrity proofs and presentations cost milliseconds of CPU), and only when events are
    buffered. It succeeds when this service issued the credential and its keys, status lists
    and standard are cached; anything else is a `CacheMiss`, and the caller verifies the body
    again with `verify_body` (the work done here is lost; no event was recorded: recording is
    the last step). A body that is not a vc+jwt at all raises `UnverifiableInput` here.
    """
    if media_type != VC_JWT_MEDIA_TYPE or len(body) > MAX_CACHED_TOKEN_BYTES:
        return None
    if setup.events is None or not setup.events.buffered:
        return None
    item = parse_body(body, media_type)
    if not isinstance(item, CredentialInput):  # a vc+jwt body is always one credential
        return None
    try:
        return verify_credential(None, item=item, setup=setup, audience=audience, now=now)
    except CacheMiss:
        return None


def verify_submission(
    session: Session,
    *,
    submission: CredentialInput | PresentationInput,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
) -> Report:
    """Verify a credential or presentation a client sent; one event per credential.

    `challenge` and `domain`: what the holder's proof must carry (an SD-JWT VC's Key
    Binding JWT: its `nonce` and `aud`, and then a fresh `iat`)."""
    if isinstance(submission, PresentationInput):
        return verify_presentation(
            session,
            presentation=submission,
            setup=setup,
            audience=audience,
            now=now,
            challenge=challenge,
            domain=domain,
        )
    return verify_credential(
        session,
        item=submission,
        setup=setup,
        audience=audience,
        now=now,
        challenge=challenge,
        domain=domain,
    )


def verify_credential(
    session: Session | None,
    *,
    item: CredentialInput,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
    resolver: KeyResolver | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> CredentialReport:
    """Verify one credential; records its event (without a session: see `verify_from_cache`).

    `resolver`: see `build_engine`; `challenge` and `domain`: what its proofs must carry.
    """
    engine = build_engine(session, setup=setup, now=now, resolver=resolver)
    result = engine.verify(item, challenge=challenge, domain=domain)
    return _report(session, result, setup=setup, audience=audience, now=now)


def verify_sd_jwt_vc(
    session: Session,
    *,
    presentation: str,
    key_binding: KeyBindingExpectation | None,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
) -> CredentialReport:
    """Verify one SD-JWT VC (`<issuer-jwt>~<disclosure>~…~<kb-jwt>`); records its event.

    With `key_binding`, a Key Binding JWT for its audience and nonce, issued within its
    window around its `now`, must be present and signed by the credential's `cnf.jwk`
    (otherwise the proof check fails with `key-binding-failed`). The report's `result`
    has the six checks and the outcome, `result.document` the verified (disclosed) claims,
    `result.selective_disclosure` what was disclosed and withheld. Input that is not an
    SD-JWT at all raises `UnverifiableInput` (a 400 problem).
    """
    item = credential_from_sd_jwt(presentation.strip())
    engine = build_engine(session, setup=setup, now=now)
    result = engine.verify_sd_jwt_vc(item, key_binding=key_binding)
    return _report(session, result, setup=setup, audience=audience, now=now)


def verify_presentation(
    session: Session,
    *,
    presentation: PresentationInput,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    resolver: KeyResolver | None = None,
) -> PresentationReport:
    """Verify a presentation and each credential it holds; one event per credential."""
    engine = build_engine(session, setup=setup, now=now, resolver=resolver)
    presented = engine.verify_presentation(presentation, challenge=challenge, domain=domain)
    reports = [
        _report(session, result, setup=setup, audience=audience, now=now)
        for result in presented.credentials
    ]
    return PresentationReport(
        result=presented, credentials=reports, employer_country=audience.country
    )


def verify_stored_credential(
    session: Session,
    *,
    credential_id: str,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
) -> CredentialReport:
    """Verify one of this service's credentials by id (404 `credential-not-found` if none).

    The stored vc+jwt is verified: the same content as the Data Integrity copy, with every
    check (signature with a published key, validity, both status lists), at a fraction of
    the cost of RDF canonicalization.
    """
    credential = setup.credentials.get(session, credential_id)
    item = credential_from_token(credential.jwt)
    return verify_credential(session, item=item, setup=setup, audience=audience, now=now)


def _report(
    session: Session | None,
    result: CredentialVerification,
    *,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
) -> CredentialReport:
    standard = standard_of(session, result)
    recognition: list[RecognitionRead] = []
    if standard is not None:
        countries = [audience.country] if audience.country else list(Country)
        recognition = [
            recognition_for(
                standard,
                country=country,
                language=audience.language or DEFAULT_LANGUAGES[country],
            )
            for country in countries
        ]
    summary = summarize(result, standard=standard)
    # Last: a `CacheMiss` before it leaves no event behind for the retry to duplicate.
    events = setup.events or EventRecorder(
        None, interval=0, issuing_countries=setup.credentials.issuing_countries
    )
    events.record(
        session,
        verification_event(
            result=result, standard=standard, employer_country=audience.country, now=now
        ),
    )
    return CredentialReport(
        result=result,
        summary=summary,
        recognition=recognition,
        employer_country=audience.country,
    )


def verification_event(
    *,
    result: CredentialVerification,
    standard: StandardRead | None,
    employer_country: Country | None,
    now: datetime,
) -> PendingEvent:
    """The anonymous mobility event of one verification (never who, never which).

    The issuing country is the trusted issuer's for other issuers' credentials; for ours,
    the issuing provider's, looked up when the event is written.
    """
    document = readable_document(result)
    reference = standard_reference(document) if document is not None else None
    trusted = result.issuer
    signed = trusted is not None and result.check(CheckName.proof).status is CheckStatus.passed
    own_credential_id: str | None = None
    if signed and trusted is not None and trusted.own and document is not None:
        identifier: Any = document.get("id")
        if isinstance(identifier, str) and identifier.startswith(URN_UUID):
            own_credential_id = identifier.removeprefix(URN_UUID)
    return PendingEvent(
        standard_code=standard.code if standard else (reference[0][:64] if reference else None),
        sector=standard.sector.value if standard else None,
        issuing_country=trusted.country if signed and trusted is not None else None,
        employer_country=employer_country.value if employer_country else None,
        outcome=result.outcome.value,
        occurred_at=now,
        own_credential_id=own_credential_id,
    )
