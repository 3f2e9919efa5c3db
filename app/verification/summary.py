"""What an employer is shown about a verified credential: only what the credential carries.

Read from the *verified* document only (never from unverified input): the holder's name
(the unhashed `identityType: name` IdentityObject, never the hashed email), the achievement
(standard code, version, title), the issuer, the dates and the status the lists gave.
The standard's level and sector come from the public standards registry when the standard
is known there; nothing about the worker comes from anywhere but the credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.standards.schemas import StandardRead
from app.verification.checks import CheckName, CheckStatus, Code
from app.verification.dates import parse_datetime
from app.verification.named_standards import achievement_of
from app.verification.results import CredentialVerification
from app.verification.sd_jwt_view import readable_document
from app.web.standing import Standing


@dataclass(frozen=True, slots=True)
class IssuerSummary:
    """The issuer as the credential names it, and as the trust registry knows it."""

    id: str
    name: str | None
    url: str | None
    registry_name: str | None
    country: str | None
    own: bool


@dataclass(frozen=True, slots=True)
class StandardSummary:
    """The achievement: a NASSC standard (level and sector from the registry when known)."""

    code: str | None
    version: str | None
    title: str | None
    achievement_type: str | None
    level: int | None
    sector: str | None


@dataclass(frozen=True, slots=True)
class CredentialSummary:
    """The summary of one verified credential."""

    credential_id: str | None
    name: str | None
    holder_name: str | None
    standard: StandardSummary
    issuer: IssuerSummary
    awarded_at: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    status: Standing


def holder_name(document: Mapping[str, Any]) -> str | None:
    """The holder's name from the unhashed `identityType: name` IdentityObject."""
    subject = document.get("credentialSubject")
    identifiers = subject.get("identifier") if isinstance(subject, Mapping) else None
    for identity in identifiers if isinstance(identifiers, list) else []:
        if (
            isinstance(identity, Mapping)
            and identity.get("identityType") == "name"
            and identity.get("hashed") is False
            and isinstance(identity.get("identityHash"), str)
        ):
            return str(identity["identityHash"])
    return None


def status_label(result: CredentialVerification) -> Standing:
    """Revoked, suspended, expired, not yet valid, active (both lists read) or unknown:
    the precedence of `app.web.standing.standing_of`, read from the checks."""
    revocation = result.check(CheckName.revocation).status
    suspension = result.check(CheckName.suspension).status
    validity = result.check(CheckName.validity).code
    if revocation is CheckStatus.failed:
        return Standing.revoked
    if suspension is CheckStatus.failed:
        return Standing.suspended
    if validity is Code.expired:
        return Standing.expired
    if validity is Code.not_yet_valid:
        return Standing.not_yet_valid
    if revocation is CheckStatus.passed and suspension is CheckStatus.passed:
        return Standing.active
    return Standing.unknown


def summarize(
    result: CredentialVerification, *, standard: StandardRead | None
) -> CredentialSummary | None:
    """The summary of a credential whose proof passed; None for unverified input."""
    document = readable_document(result)
    if document is None or result.claimed_issuer is None:
        return None
    achievement = achievement_of(document)
    issuer = document.get("issuer")
    issuer_object = issuer if isinstance(issuer, Mapping) else {}
    trusted = result.issuer
    return CredentialSummary(
        credential_id=_text(document.get("id")),
        name=_text(document.get("name")),
        holder_name=holder_name(document),
        standard=StandardSummary(
            code=_text(achievement.get("humanCode")),
            version=_text(achievement.get("version")),
            title=_text(achievement.get("name")),
            achievement_type=_text(achievement.get("achievementType")),
            level=standard.level.nassc_level if standard else None,
            sector=standard.sector.value if standard else _text(achievement.get("fieldOfStudy")),
        ),
        issuer=IssuerSummary(
            id=result.claimed_issuer,
            name=_text(issuer_object.get("name")),
            url=_text(issuer_object.get("url")),
            registry_name=trusted.name if trusted else None,
            country=trusted.country if trusted else None,
            own=bool(trusted and trusted.own),
        ),
        awarded_at=parse_datetime(document.get("awardedDate")),
        valid_from=parse_datetime(document.get("validFrom")),
        valid_until=parse_datetime(document.get("validUntil")),
        status=status_label(result),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
