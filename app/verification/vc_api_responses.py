"""The W3C VC API verification results, built from the engine's checks.

The VC API answers a different question than our employer-facing API: is this a valid
verifiable credential (its proof, dates and status), whoever issued it? So `verified`
here is the proof, validity, revocation and suspension checks; whether the issuer is in
our trust registry and whether the credential is an Open Badges 3.0 credential are
reported under `warnings`, and a status that cannot be read too. Every check that makes
it not verified is an entry of `errors` (and of `problemDetails`, the VC API's name).
`/api/v1/verify` and the pages keep the strict outcome of `app.verification.checks`.
"""

from __future__ import annotations

from typing import Any, Final

from app.crypto.vcdm import VC_JWT_MEDIA_TYPE
from app.verification.checks import (
    VERIFICATION_PROBLEMS,
    Check,
    CheckName,
    CheckStatus,
    Code,
    problem_type,
)
from app.verification.forms import SD_JWT_VC_MEDIA_TYPE, Form
from app.verification.results import CredentialVerification, PresentationVerification
from app.verification.schemas import (
    CredentialResults,
    InputResult,
    PresentationOwnResults,
    PresentationResults,
    ProblemDetail,
    StatusEntryResult,
    VerifyCredentialResult,
    VerifyPresentationResult,
)
from app.verification.sd_jwt_view import readable_document

REQUIRED_CHECKS: Final = (
    CheckName.proof,
    CheckName.validity,
    CheckName.revocation,
    CheckName.suspension,
)
"""What a VC API verifier must establish; the others (issuer, schema) are warnings."""
SD_JWT_VC_REQUIRED_CHECKS: Final = (*REQUIRED_CHECKS, CheckName.schema)
"""An SD-JWT VC's schema check is the SD-JWT VC rules (its structure and `vct`), not Open
Badges conformance: breaking them is an error."""
_STATUS_CHECKS: Final = (CheckName.revocation, CheckName.suspension)
_ENVELOPING: Final = {Form.vc_jwt: VC_JWT_MEDIA_TYPE, Form.sd_jwt_vc: SD_JWT_VC_MEDIA_TYPE}


def problem_details(checks: tuple[Check, ...] | list[Check]) -> list[ProblemDetail]:
    """One problem object per check that did not pass."""
    problems = []
    for check in checks:
        if check.status is CheckStatus.passed:
            continue
        type_url, title = problem_type(check.code)
        problems.append(ProblemDetail(type=type_url, title=title, detail=check.detail))
    return problems


def _is_error(check: Check, form: Form) -> bool:
    required = SD_JWT_VC_REQUIRED_CHECKS if form is Form.sd_jwt_vc else REQUIRED_CHECKS
    if check.name not in required or check.status is CheckStatus.passed:
        return False
    # A status list that cannot be read leaves revocation unknown: a warning, not a failure.
    return not (check.name in _STATUS_CHECKS and check.status is CheckStatus.unknown)


def split_checks(result: CredentialVerification) -> tuple[list[Check], list[Check]]:
    """The checks that make the credential not verified, and those only worth a warning."""
    errors = [check for check in result.checks if _is_error(check, result.form)]
    warnings = [
        check
        for check in result.checks
        if check.status is not CheckStatus.passed and not _is_error(check, result.form)
    ]
    return errors, warnings


def credential_verified(result: CredentialVerification) -> bool:
    """Whether the credential verifies in the VC API's sense (see the module docstring)."""
    errors, _ = split_checks(result)
    return not errors


def vc_api_credential(
    result: CredentialVerification, *, given: dict[str, Any] | str, include_credential: bool
) -> VerifyCredentialResult:
    """The VC API `VerificationResult` of one credential."""
    errors, warnings = split_checks(result)
    problems = problem_details(errors)
    return VerifyCredentialResult(
        verified=not errors,
        credential=given if include_credential else None,
        errors=problems,
        warnings=problem_details(warnings),
        problem_details=problems,
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
    credentials = [
        vc_api_credential(credential, given=item, include_credential=True)
        for credential, item in zip(result.credentials, held, strict=True)
    ]
    # A missing holder proof is no error unless one was required (a challenge or domain):
    # the credentials carry their own proofs. A presentation that holds nothing needs one.
    holder_proved = result.proof.status is CheckStatus.passed
    reported = result.proof_input is not None or result.proof.status is CheckStatus.failed
    errors = problem_details([result.proof]) if reported and not holder_proved else []
    if not result.credentials and not holder_proved and not errors:
        errors.append(
            ProblemDetail(
                type=VERIFICATION_PROBLEMS + "no-credentials",
                title="The presentation holds no credentials and has no holder proof",
            )
        )
    for index, credential in enumerate(credentials):
        if not credential.verified:
            errors.append(
                ProblemDetail(
                    type=VERIFICATION_PROBLEMS + "credential-not-verified",
                    title="A credential in the presentation does not verify",
                    detail=f"verifiableCredential[{index}]: "
                    + "; ".join(problem.title for problem in credential.errors),
                )
            )
    warnings = [warning for credential in credentials for warning in credential.warnings]
    return VerifyPresentationResult(
        verified=not errors,
        verifiable_presentation=given if include_presentation else None,
        errors=errors,
        warnings=warnings,
        problem_details=errors,
        results=PresentationResults(presentation=own, credentials=credentials),
    )


def _option_result(result: PresentationVerification, value: str | None) -> InputResult | None:
    if value is None:
        return None
    return InputResult(verified=result.proof.status is CheckStatus.passed, input=value)


def _credential_results(result: CredentialVerification) -> CredentialResults:
    document = readable_document(result)
    validity = result.check(CheckName.validity)
    proof_ok = result.check(CheckName.proof).status is CheckStatus.passed
    results = CredentialResults(
        proof=[InputResult(verified=proof_ok, input=item) for item in _proof_inputs(result)]
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


def _proof_inputs(result: CredentialVerification) -> list[Any]:
    if result.form in _ENVELOPING:
        media_type = _ENVELOPING[result.form]
        return [{"type": "EnvelopingProof", "mediaType": media_type, "header": result.proof}]
    if isinstance(result.proof, list):
        return list(result.proof)
    return [result.proof]
