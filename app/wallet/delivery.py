"""The credential endpoint's work: which credential, in which form, if it is still good."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.credentials.models import Credential, CredentialStatus
from app.wallet import metadata
from app.wallet.errors import OAuthError
from app.wallet.models import CredentialOffer


def deliver(
    session: Session,
    *,
    offer: CredentialOffer,
    request: dict[str, Any] | None,
    issuer: str,
    now: datetime,
) -> list[dict[str, Any]]:
    """The `credentials` of a credential response for `offer` (OpenID4VCI 1.0 §8.3)."""
    if not request:
        raise OAuthError("invalid_credential_request", "The request body is a JSON object.")
    if "credential_identifier" in request:
        raise OAuthError(
            "unknown_credential_identifier", "No credential identifiers are issued here."
        )
    configuration = request.get("credential_configuration_id")
    if configuration not in metadata.CONFIGURATION_IDS:
        raise OAuthError(
            "unknown_credential_configuration",
            f"Ask for one of {', '.join(metadata.CONFIGURATION_IDS)}.",
        )
    credential = session.get(Credential, offer.credential_id)
    if credential is None or not is_current(credential, now=now):
        raise OAuthError(
            "credential_request_denied", "The credential is revoked, suspended or not valid now."
        )
    if configuration == metadata.LDP_VC:
        return [{"credential": credential.document}]
    return [{"credential": credential.jwt}]


def is_current(credential: Credential, *, now: datetime) -> bool:
    """Whether `credential` is active and within its validity period at `now`."""
    return (
        credential.status == CredentialStatus.active.value
        and credential.valid_from <= now
        and (credential.valid_until is None or now < credential.valid_until)
    )
