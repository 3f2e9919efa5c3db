"""Presentation requests: made by an employer, answered once by a wallet, read briefly.

`create_request` stores a request (its DCQL query, nonce and state) for
`presentation_request_seconds`; `receive_response` checks a wallet's `vp_token` against it
(`app.presentations.vp_tokens`), verifies the credential with the engine and keeps the
result (only the asked-for claims) for `presentation_result_seconds`; `receive_error`
records a wallet's refusal (`access_denied`: the worker declined). Each request is answered
once: the row is claimed with a conditional update, so a replayed response is refused.
`purge_expired` deletes what has outlived its time; reads call it first.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from app.config import Settings
from app.crypto.did import verification_method_id
from app.fields import Country, Language
from app.issuer import service as issuer_service
from app.keys import service as keys_service
from app.keys.models import KeyAlgorithm, KeyPurpose
from app.keys.service import KeyCache
from app.presentations import authorization, dcql, vp_tokens
from app.presentations.dcql import Claim, Format
from app.presentations.disclosed import disclosed_claims
from app.presentations.errors import InvalidPresentationRequest
from app.presentations.models import PresentationRequest, RequestStatus
from app.standards import service as standards_service
from app.standards.enums import Sector
from app.standards.vct import vct_url
from app.verification.events import EventRecorder
from app.verification.named_standards import standard_of
from app.verification.service import VerifierSetup, build_engine, verification_event
from app.wallet.errors import OAuthError

WALLET_ERRORS: Final = frozenset(
    {
        "access_denied",
        "invalid_request",
        "invalid_client",
        "invalid_scope",
        "vp_formats_not_supported",
        "invalid_request_uri_method",
        "invalid_transaction_data",
        "wallet_unavailable",
    }
)
"""Error codes a wallet may answer instead of a `vp_token` (RFC 6749 §4.1.2.1, OpenID4VP §8.5)."""


@dataclass(frozen=True, slots=True)
class RequestChoice:
    """What the employer asks for: one standard or a whole sector, claims and formats."""

    formats: Sequence[Format]
    claims: Sequence[Claim]
    standard_code: str | None = None
    sector: Sector | None = None
    language: Language = Language.en
    employer_country: Country | None = None


def create_request(
    session: Session,
    *,
    choice: RequestChoice,
    base_url: str,
    lifetime: timedelta,
    created_by: str | None,
    now: datetime,
) -> PresentationRequest:
    """Store a new request for `lifetime` (only flushes)."""
    if (choice.standard_code is None) == (choice.sector is None):
        raise InvalidPresentationRequest("Ask for one standard or one sector.")
    if not choice.formats:
        raise InvalidPresentationRequest("Accept at least one format.")
    codes = _standard_codes(session, choice)
    if not codes:
        raise InvalidPresentationRequest("No published standard matches.")
    query = dcql.build_query(
        formats=choice.formats,
        claims=choice.claims,
        vct_values=[vct_url(base_url, code) for code in codes],
        standard_code=choice.standard_code,
        sector=choice.sector.value if choice.sector else None,
    )
    request = PresentationRequest(
        id=secrets.token_urlsafe(24),
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        dcql_query=query,
        standard_code=choice.standard_code,
        sector=choice.sector.value if choice.sector else None,
        language=choice.language.value,
        employer_country=choice.employer_country.value if choice.employer_country else None,
        created_by=created_by,
        same_device=False,
        status=RequestStatus.pending.value,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(request)
    session.flush()
    return request


def authorization_request(request: PresentationRequest, *, base_url: str) -> dict[str, Any]:
    """The OpenID4VP authorization request of `request`."""
    return authorization.authorization_request(
        base_url=base_url, nonce=request.nonce, state=request.state, dcql_query=request.dcql_query
    )


def signed_request_object(
    session: Session,
    request: PresentationRequest,
    *,
    settings: Settings,
    cache: KeyCache,
    wallet_nonce: str | None,
    now: datetime,
) -> str:
    """`request` as a Request Object signed by the verifier's key of our DID document
    (`decentralized_identifier:`), valid until the request expires."""
    active = keys_service.active_jws_key(
        session, cache=cache, algorithm=KeyAlgorithm.es256, purpose=KeyPurpose.authentication
    )
    did = issuer_service.issuer_did(settings)
    return authorization.signed_request_object(
        authorization_request(request, base_url=settings.public_base_url),
        did=did,
        verification_method=verification_method_id(did, active.kid),
        private_key=active.private_key,
        issued_at=int(now.timestamp()),
        expires_at=int(request.expires_at.timestamp()),
        wallet_nonce=wallet_nonce,
    )


def find_request(session: Session, request_id: str, *, now: datetime) -> PresentationRequest | None:
    """The request `request_id`, unless it (or its result) has expired (purged first)."""
    purge_expired(session, now=now)
    return session.get(PresentationRequest, request_id)


def pending_by_state(session: Session, state: str, *, now: datetime) -> PresentationRequest | None:
    """The live, unanswered request whose `state` this is."""
    request = session.scalar(select(PresentationRequest).where(PresentationRequest.state == state))
    if request is None or request.expires_at <= now:
        return None
    return request if request.status == RequestStatus.pending.value else None


def mark_same_device(session: Session, request: PresentationRequest) -> None:
    """The employer opens the wallet on this device: the answer then sends the browser back."""
    request.same_device = True
    session.flush()


def receive_response(
    session: Session,
    *,
    state: str | None,
    vp_token: str | None,
    setup: VerifierSetup,
    now: datetime,
) -> PresentationRequest:
    """Check and record a wallet's response; `OAuthError` when it does not answer a live
    request (nothing is then kept)."""
    request = _pending(session, state, now=now)
    query_id, presentation = vp_tokens.parse_vp_token(vp_token, query=request.dcql_query)
    engine = build_engine(session, setup=setup, now=now)
    settings = setup.settings
    expected = vp_tokens.Expected(
        nonce=request.nonce,
        client_ids=authorization.client_ids(
            settings.public_base_url, issuer_service.issuer_did(settings)
        ),
        dcql_query=request.dcql_query,
        now=now.timestamp(),
    )
    presented = vp_tokens.check_presentation(
        engine, query_id=query_id, presentation=presentation, expected=expected
    )
    _claim(session, request, RequestStatus.answered, now=now)
    credential_query = dcql.credential_queries(request.dcql_query)[query_id]
    asked = dcql.asked_claims(credential_query)
    shown = disclosed_claims(presented.form, presented.document, asked)
    verification = presented.verification
    standard = standard_of(session, verification)
    request.result = {
        "format": presented.form.value,
        "credential_query_id": query_id,
        "outcome": verification.outcome.value,
        "verified": verification.verified,
        "holder_binding": presented.holder_binding,
        "issuer": verification.issuer.name if verification.issuer is not None else None,
        "standard_code": standard.code if standard else None,
        "standard_version": standard.version if standard else None,
        "checks": [
            {
                "name": check.name.value,
                "status": check.status.value,
                "code": check.code.value,
                "detail": check.detail,
            }
            for check in verification.checks
        ],
        "disclosed": shown,
        "withheld": [name for name in asked if name not in shown],
    }
    request.result_expires_at = now + timedelta(seconds=setup.settings.presentation_result_seconds)
    session.flush()
    employer = Country(request.employer_country) if request.employer_country else None
    events = setup.events or EventRecorder(
        None, interval=0, issuing_countries=setup.credentials.issuing_countries
    )
    events.record(
        session,
        verification_event(
            result=verification, standard=standard, employer_country=employer, now=now
        ),
    )
    return request


def receive_error(
    session: Session,
    *,
    state: str | None,
    error: str,
    description: str | None,
    setup: VerifierSetup,
    now: datetime,
) -> PresentationRequest:
    """Record a wallet's error response (`access_denied`: the worker declined)."""
    request = _pending(session, state, now=now)
    if error not in WALLET_ERRORS:
        raise OAuthError("invalid_request", f"Unknown error code {error!r}.")
    declined = error == "access_denied"
    status = RequestStatus.declined if declined else RequestStatus.wallet_error
    _claim(session, request, status, now=now)
    request.result = {"error": error, "error_description": (description or "")[:500]}
    request.result_expires_at = now + timedelta(seconds=setup.settings.presentation_result_seconds)
    session.flush()
    return request


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete requests no wallet answered in time and results past their lifetime."""
    result = session.execute(
        delete(PresentationRequest)
        .where(
            or_(
                PresentationRequest.result_expires_at < now,
                (PresentationRequest.status == RequestStatus.pending.value)
                & (PresentationRequest.expires_at < now),
            )
        )
        .execution_options(synchronize_session=False)
    )
    count: int = result.rowcount  # type: ignore[attr-defined]
    return count


def _standard_codes(session: Session, choice: RequestChoice) -> list[str]:
    standards = standards_service.newest_published(session)
    if choice.standard_code is not None:
        return [s.code for s in standards if s.code == choice.standard_code]
    return [s.code for s in standards if choice.sector and s.sector == choice.sector.value]


def _pending(session: Session, state: str | None, *, now: datetime) -> PresentationRequest:
    if not state:
        raise OAuthError("invalid_request", "state is required.")
    request = session.scalar(select(PresentationRequest).where(PresentationRequest.state == state))
    if request is None or request.expires_at <= now:
        raise OAuthError("invalid_request", "No such live request (unknown state, or expired).")
    if request.status != RequestStatus.pending.value:
        raise OAuthError("invalid_request", "This request has already been answered.")
    return request


def _claim(
    session: Session, request: PresentationRequest, status: RequestStatus, *, now: datetime
) -> None:
    """Move `request` out of pending, once: a concurrent answer loses the race."""
    claimed = session.execute(
        update(PresentationRequest)
        .where(
            PresentationRequest.id == request.id,
            PresentationRequest.status == RequestStatus.pending.value,
        )
        .values(status=status.value, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise OAuthError("invalid_request", "This request has already been answered.")
    session.refresh(request)
