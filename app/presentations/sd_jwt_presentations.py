"""The `dc+sd-jwt` presentation path: an SD-JWT VC with its Key Binding JWT, through the engine.

A thin adapter over the verification engine's SD-JWT VC verification, so that the response
endpoint does not verify SD-JWT VCs a second way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.verification.engine import VerificationEngine
from app.verification.results import CredentialVerification


@dataclass(frozen=True, slots=True)
class SdJwtPresentation:
    """What the engine found, the disclosed claims, and why the presentation is refused
    (None when it answers the request)."""

    verification: CredentialVerification
    document: dict[str, Any]
    disclosed_names: list[str] = field(default_factory=list)
    refusal: str | None = None


class SdJwtNotSupported(Exception):
    """Raised until the engine verifies SD-JWT VCs."""


def check_sd_jwt_presentation(
    engine: VerificationEngine, presentation: str, *, audience: str, nonce: str, now: float
) -> SdJwtPresentation:
    """Verify `presentation` with a Key Binding JWT for `audience` and `nonce` at `now`."""
    raise SdJwtNotSupported("SD-JWT VC presentations are not verified yet")
