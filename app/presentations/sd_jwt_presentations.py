"""The `dc+sd-jwt` presentation path: an SD-JWT VC with its Key Binding JWT, verified by the
engine (`VerificationEngine.verify_sd_jwt_vc`), so the response endpoint never verifies
SD-JWT VCs a second way.

The engine answers the six checks; here they are read for OpenID4VP: a Key Binding JWT that
is missing, for another audience or nonce, stale, or not signed by the credential's `cnf`
key (`key-binding-failed`) means the presentation does not answer this request (refused);
anything else (an unknown issuer, a revoked credential, an edited disclosure) is an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.crypto.sd_jwt import KeyBindingExpectation
from app.verification.checks import CheckName, CheckStatus, Code
from app.verification.engine import VerificationEngine
from app.verification.errors import UnverifiableInput
from app.verification.forms import credential_from_sd_jwt
from app.verification.results import CredentialVerification


@dataclass(frozen=True, slots=True)
class SdJwtPresentation:
    """What the engine found, the claims shown, the top-level claims the holder chose to
    disclose, and why the presentation is refused (None when it answers the request)."""

    verification: CredentialVerification | None
    document: dict[str, Any]
    disclosed_names: list[str] = field(default_factory=list)
    refusal: str | None = None


def check_sd_jwt_presentation(
    engine: VerificationEngine, presentation: str, *, audience: str, nonce: str, now: float
) -> SdJwtPresentation:
    """Verify `presentation` with a Key Binding JWT for `audience` and `nonce` at `now`."""
    try:
        item = credential_from_sd_jwt(presentation.strip())
    except UnverifiableInput as error:
        return SdJwtPresentation(None, {}, refusal=error.detail or error.title)
    expectation = KeyBindingExpectation(audience=audience, nonce=nonce, now=now)
    result = engine.verify_sd_jwt_vc(item, key_binding=expectation)
    proof = result.check(CheckName.proof)
    if proof.status is CheckStatus.failed and proof.code is Code.key_binding_failed:
        return SdJwtPresentation(
            result, {}, refusal=f"The Key Binding JWT does not answer this request: {proof.detail}"
        )
    shown = result.selective_disclosure
    names = sorted({str(ref.path[0]) for ref in shown.disclosed}) if shown is not None else []
    document = result.document if result.document is not None else dict(item.claimed)
    return SdJwtPresentation(result, document, disclosed_names=names)
