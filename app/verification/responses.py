"""Response bodies from verification reports: our JSON API and the W3C VC API shapes.

The VC API shapes follow https://github.com/w3c/vcalm (`VerifyCredentialResult.yml`,
`VerifyPresentationResult.yml`): `verified`, `problemDetails` (one per failed or unknown
check), and `results` keyed by the credential's properties.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Response

from app.verification.checks import (
    Check,
)
from app.verification.disclosures import ClaimRef
from app.verification.models import TrustedIssuer
from app.verification.results import CredentialVerification
from app.verification.schemas import (
    CheckRead,
    ClaimRefRead,
    CredentialVerificationRead,
    DisclosureRead,
    IssuerRead,
    PresentationVerificationRead,
    StandardRefRead,
    SummaryRead,
    TrustedIssuerRead,
)
from app.verification.service import CredentialReport, PresentationReport
from app.verification.summary import CredentialSummary
from app.verification.trust import DidDocumentError, TrustedKeys, assertion_keys

# --- our JSON API --------------------------------------------------------------------------------


def check_read(check: Check) -> CheckRead:
    """A check as the API shows it."""
    return CheckRead(
        name=check.name, status=check.status, code=check.code.value, detail=check.detail
    )


def credential_read(report: CredentialReport) -> CredentialVerificationRead:
    """The `/api/v1/verify` body of one credential."""
    result = report.result
    return CredentialVerificationRead(
        verified=result.verified,
        outcome=result.outcome,
        format=result.form,
        checks=[check_read(check) for check in result.checks],
        summary=_summary_read(report.summary) if report.summary else None,
        recognition=report.recognition,
        employer_country=report.employer_country,
        disclosure=disclosure_read(result),
    )


def disclosure_read(result: CredentialVerification) -> DisclosureRead | None:
    """What an SD-JWT VC's holder disclosed and withheld (None for other forms, or when
    its proof did not verify)."""
    disclosure = result.selective_disclosure
    if disclosure is None or result.document is None:
        return None
    return DisclosureRead(
        claims=result.document,
        disclosed=[_claim_ref(ref) for ref in disclosure.disclosed],
        withheld=[_claim_ref(ref) for ref in disclosure.withheld],
        key_bound=disclosure.key_binding is not None,
        vct_known=disclosure.type_metadata is not None,
    )


def _claim_ref(ref: ClaimRef) -> ClaimRefRead:
    labels = dict(ref.labels)
    return ClaimRefRead(path=list(ref.path), name=ref.name, count=ref.count, labels=labels)


def presentation_read(report: PresentationReport) -> PresentationVerificationRead:
    """The `/api/v1/verify` body of a presentation."""
    result = report.result
    return PresentationVerificationRead(
        verified=result.verified,
        outcome=result.outcome,
        holder=result.holder,
        checks=[check_read(result.proof)],
        credentials=[credential_read(item) for item in report.credentials],
        employer_country=report.employer_country,
    )


def verify_response(
    report: CredentialReport | PresentationReport, *, headers: Mapping[str, str]
) -> Response:
    """The `/api/v1/verify` answer, serialized once: returned as a `Response`, it skips
    FastAPI's second validation against the response model."""
    model: CredentialVerificationRead | PresentationVerificationRead = (
        presentation_read(report)
        if isinstance(report, PresentationReport)
        else credential_read(report)
    )
    return Response(
        model.__pydantic_serializer__.to_json(model),
        media_type="application/json",
        headers=dict(headers),
    )


def _summary_read(summary: CredentialSummary) -> SummaryRead:
    return SummaryRead(
        credential_id=summary.credential_id,
        name=summary.name,
        holder_name=summary.holder_name,
        standard=StandardRefRead(
            code=summary.standard.code,
            version=summary.standard.version,
            title=summary.standard.title,
            achievement_type=summary.standard.achievement_type,
            level=summary.standard.level,
            sector=summary.standard.sector,
        ),
        issuer=IssuerRead(
            id=summary.issuer.id,
            name=summary.issuer.name,
            url=summary.issuer.url,
            registry_name=summary.issuer.registry_name,
            country=summary.issuer.country,
            own=summary.issuer.own,
        ),
        awarded_at=summary.awarded_at,
        valid_from=summary.valid_from,
        valid_until=summary.valid_until,
        status=summary.status,
    )


# --- trust registry -------------------------------------------------------------------------------


def trusted_issuer_read(issuer: TrustedIssuer) -> TrustedIssuerRead:
    """A staff-added issuer with the key ids its pinned document authorizes."""
    try:
        key_ids = sorted(assertion_keys(issuer.did, issuer.did_document))
    except DidDocumentError:
        key_ids = []
    return TrustedIssuerRead(
        id=issuer.id,
        did=issuer.did,
        name=issuer.name,
        country=issuer.country,
        builtin=False,
        key_ids=key_ids,
        added_by=issuer.added_by,
        created_at=issuer.created_at,
    )


def own_issuer_read(own: TrustedKeys) -> TrustedIssuerRead:
    """The built-in entry: this service's DID and its current keys."""
    return TrustedIssuerRead(
        id=None,
        did=own.did,
        name=own.name,
        country=own.country,
        builtin=True,
        key_ids=sorted(own.keys),
    )
