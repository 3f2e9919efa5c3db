"""Verification for requests: wire the engine to the database, add summaries, count events.

`verify_submission` verifies what a client sent; `verify_stored_credential` verifies one of
this service's credentials by id (the public verification page and its JSON twin). Both
record one anonymous `VerificationEvent` per credential: the standard, the issuing and the
employer's country, the outcome and the time — never the credential, holder or client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.credentials import service as credentials_service
from app.credentials.models import Credential
from app.credentials.signing import IssuerSigner, current_signer
from app.crypto.contexts import PinnedContexts
from app.i18n import Language
from app.keys.service import KeyCache
from app.providers.models import TrainingProvider
from app.standards.enums import Country
from app.standards.schemas import StandardRead
from app.verification.checks import CheckName, CheckStatus
from app.verification.engine import (
    CredentialVerification,
    PresentationVerification,
    VerificationEngine,
)
from app.verification.forms import CredentialInput, PresentationInput, credential_from_token
from app.verification.models import VerificationEvent
from app.verification.recognition import (
    DEFAULT_LANGUAGES,
    Recognition,
    find_standard,
    recognition_for,
)
from app.verification.status_check import LocalStatusLists, StatusListSource
from app.verification.summary import CredentialSummary, standard_reference, summarize
from app.verification.trust import DatabaseTrustRegistry

URN_UUID = "urn:uuid:"


@dataclass(frozen=True, slots=True)
class VerifierSetup:
    """What verification needs from the running app (loaded once, shared by requests).

    `remote` is the source for other trusted issuers' status lists; None (the default)
    means they are not fetched and their status checks are `unknown`.
    """

    settings: Settings
    contexts: PinnedContexts
    key_cache: KeyCache
    remote: StatusListSource | None = None


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
    recognition: list[Recognition] = field(default_factory=list)
    employer_country: Country | None = None


@dataclass(frozen=True, slots=True)
class PresentationReport:
    """A presentation's verification with a report per held credential."""

    result: PresentationVerification
    credentials: list[CredentialReport]
    employer_country: Country | None = None


Report = CredentialReport | PresentationReport


def build_engine(session: Session, *, setup: VerifierSetup, now: datetime) -> VerificationEngine:
    """An engine for one request: the registry and status lists read through `session`."""
    settings = setup.settings

    def signer() -> IssuerSigner:
        return current_signer(
            session, settings=settings, cache=setup.key_cache, contexts=setup.contexts
        )

    return VerificationEngine(
        registry=DatabaseTrustRegistry(session, settings=settings),
        status_lists=LocalStatusLists(
            session,
            base_url=settings.public_base_url,
            signer=signer,
            now=now,
            remote=setup.remote,
        ),
        contexts=setup.contexts,
        now=now,
    )


def verify_submission(
    session: Session,
    *,
    submission: CredentialInput | PresentationInput,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
) -> Report:
    """Verify a credential or presentation a client sent; one event per credential."""
    if isinstance(submission, PresentationInput):
        return verify_presentation(
            session, presentation=submission, setup=setup, audience=audience, now=now
        )
    return verify_credential(session, item=submission, setup=setup, audience=audience, now=now)


def verify_credential(
    session: Session,
    *,
    item: CredentialInput,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
) -> CredentialReport:
    """Verify one credential; records its event."""
    engine = build_engine(session, setup=setup, now=now)
    return _report(session, engine.verify(item), audience=audience, now=now)


def verify_presentation(
    session: Session,
    *,
    presentation: PresentationInput,
    setup: VerifierSetup,
    audience: Audience,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
) -> PresentationReport:
    """Verify a presentation and each credential it holds; one event per credential."""
    engine = build_engine(session, setup=setup, now=now)
    presented = engine.verify_presentation(presentation, challenge=challenge, domain=domain)
    reports = [
        _report(session, result, audience=audience, now=now) for result in presented.credentials
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
    credential = credentials_service.get_credential(session, credential_id=credential_id)
    item = credential_from_token(credential.jwt)
    return verify_credential(session, item=item, setup=setup, audience=audience, now=now)


def _report(
    session: Session, result: CredentialVerification, *, audience: Audience, now: datetime
) -> CredentialReport:
    standard = _standard_of(session, result)
    recognition: list[Recognition] = []
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
    record_event(
        session, result=result, standard=standard, employer_country=audience.country, now=now
    )
    return CredentialReport(
        result=result,
        summary=summarize(result, standard=standard),
        recognition=recognition,
        employer_country=audience.country,
    )


def _standard_of(session: Session, result: CredentialVerification) -> StandardRead | None:
    """The registry's standard a verified credential names (None for unverified input)."""
    if result.document is None:
        return None
    reference = standard_reference(result.document)
    if reference is None:
        return None
    code, version = reference
    return find_standard(session, code=code, version=version)


def record_event(
    session: Session,
    *,
    result: CredentialVerification,
    standard: StandardRead | None,
    employer_country: Country | None,
    now: datetime,
) -> None:
    """Record the anonymous mobility event of one verification (never who, never which).

    A plain INSERT (no ORM object): nothing reads the row back in this request.
    """
    reference = standard_reference(result.document) if result.document is not None else None
    session.execute(
        insert(VerificationEvent).values(
            standard_code=standard.code if standard else (reference[0][:64] if reference else None),
            sector=standard.sector.value if standard else None,
            issuing_country=_issuing_country(session, result),
            employer_country=employer_country.value if employer_country else None,
            outcome=result.outcome.value,
            occurred_at=now,
        )
    )


def _issuing_country(session: Session, result: CredentialVerification) -> str | None:
    """Our credentials: the issuing provider's country; others: the trusted issuer's country."""
    trusted = result.issuer
    if trusted is None or result.check(CheckName.proof).status is not CheckStatus.passed:
        return None
    if not trusted.own:
        return trusted.country
    identifier: Any = result.document.get("id") if result.document else None
    if not isinstance(identifier, str) or not identifier.startswith(URN_UUID):
        return None
    credential_id = identifier.removeprefix(URN_UUID)
    if credential_id in _issuing_countries:
        return _issuing_countries[credential_id]
    country: str | None = session.scalar(
        select(TrainingProvider.country)
        .join(Credential, Credential.provider_id == TrainingProvider.id)
        .where(Credential.id == credential_id)
    )
    if len(_issuing_countries) >= _ISSUING_COUNTRY_CACHE:
        _issuing_countries.clear()
    _issuing_countries[credential_id] = country
    return country


_ISSUING_COUNTRY_CACHE = 4096
_issuing_countries: dict[str, str | None] = {}
"""Issuing country by credential id, per process: a credential's provider never changes, and
the figure only feeds the anonymous metric (a provider's later change of country is not
worth a query per verification)."""
