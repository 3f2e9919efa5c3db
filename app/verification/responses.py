"""Response bodies from verification reports: our JSON API and the W3C VC API shapes.

The VC API shapes follow https://github.com/w3c/vcalm (`VerifyCredentialResult.yml`,
`VerifyPresentationResult.yml`): `verified`, `problemDetails` (one per failed or unknown
check), and `results` keyed by the credential's properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Response

from app.verification.checks import (
    VERIFICATION_PROBLEMS,
    Check,
    CheckName,
    CheckStatus,
    Code,
    problem_type,
)
from app.verification.forms import Form
from app.verification.models import TrustedIssuer
from app.verification.results import CredentialVerification, PresentationVerification
from app.verification.schemas import (
    CheckRead,
    CredentialResults,
    CredentialVerificationRead,
    InputResult,
    IssuerRead,
    PresentationOwnResults,
    PresentationResults,
    PresentationVerificationRead,
    ProblemDetail,
    StandardRefRead,
    StatusEntryResult,
    SummaryRead,
    TrustedIssuerRead,
    VerifyCredentialResult,
    VerifyPresentationResult,
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
    )


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


# --- W3C VC API ----------------------------------------------------------------------------------


def problem_details(checks: tuple[Check, ...] | list[Check]) -> list[ProblemDetail]:
    """One problem object per check that did not pass."""
    problems = []
    for check in checks:
        if check.status is CheckStatus.passed:
            continue
        type_url, title = problem_type(check.code)
        problems.append(ProblemDetail(type=type_url, title=title, detail=check.detail))
    return problems


def vc_api_credential(
    result: CredentialVerification, *, given: dict[str, Any] | str, include_credential: bool
) -> VerifyCredentialResult:
    """The VC API `VerificationResult` of one credential."""
    return VerifyCredentialResult(
        verified=result.verified,
        credential=given if include_credential else None,
        problem_details=problem_details(result.checks),
        results=_credential_results(result),
    )


def vc_api_presentation(
    result: PresentationVerification,
    *,
    given: dict[str, Any],
    held: list[dict[str, Any] | str],
    include_presentation: bool,
) -> VerifyPresentationResult:
    """The VC API `VerificationResult` of a presentation (credentials included in results)."""
    own = PresentationOwnResults(
        proof=(
            [
                InputResult(
                    verified=result.proof.status is CheckStatus.passed, input=result.proof_input
                )
            ]
            if result.proof_input is not None
            else []
        ),
        holder=InputResult(verified=True, input=result.holder) if result.holder else None,
        challenge=_option_result(result, result.challenge),
        domain=_option_result(result, result.domain),
    )
    # A missing holder proof is no problem unless one was required (a challenge or domain).
    reported = result.proof_input is not None or result.proof.status is CheckStatus.failed
    problems = problem_details([result.proof]) if reported else []
    if not result.credentials:
        problems.append(
            ProblemDetail(
                type=VERIFICATION_PROBLEMS + "no-credentials",
                title="The presentation holds no credentials",
            )
        )
    return VerifyPresentationResult(
        verified=result.verified,
        verifiable_presentation=given if include_presentation else None,
        problem_details=problems,
        results=PresentationResults(
            presentation=own,
            credentials=[
                vc_api_credential(credential, given=item, include_credential=True)
                for credential, item in zip(result.credentials, held, strict=True)
            ],
        ),
    )


def _option_result(result: PresentationVerification, value: str | None) -> InputResult | None:
    if value is None:
        return None
    return InputResult(verified=result.proof.status is CheckStatus.passed, input=value)


def _credential_results(result: CredentialVerification) -> CredentialResults:
    document = result.document
    validity = result.check(CheckName.validity)
    results = CredentialResults(
        proof=[
            InputResult(
                verified=result.check(CheckName.proof).status is CheckStatus.passed,
                input=_proof_input(result),
            )
        ]
    )
    if document is None:
        return results
    expired = validity.code is Code.expired
    early = validity.code is Code.not_yet_valid
    if "validFrom" in document:
        results.valid_from = InputResult(
            verified=validity.status is CheckStatus.passed or expired, input=document["validFrom"]
        )
    if "validUntil" in document:
        results.valid_until = InputResult(
            verified=validity.status is CheckStatus.passed or early, input=document["validUntil"]
        )
    schemas = document.get("credentialSchema")
    schema_ok = result.check(CheckName.schema).status is CheckStatus.passed
    for schema in schemas if isinstance(schemas, list) else [schemas] if schemas else []:
        results.credential_schema.append(InputResult(verified=schema_ok, input=schema))
    results.credential_status = [
        StatusEntryResult(
            value=entry.value,
            verified=entry.check.status is CheckStatus.passed,
            input=dict(entry.entry),
        )
        for entry in result.status_entries
    ]
    return results


def _proof_input(result: CredentialVerification) -> Any:
    if result.form is Form.vc_jwt:
        return {
            "type": "EnvelopingProof",
            "mediaType": "application/vc+jwt",
            "header": result.proof,
        }
    return result.proof


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
