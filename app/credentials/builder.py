"""Pure builder of the Open Badges 3.0 AchievementCredential for a harmonized standard.

Open Badges 3.0: https://www.imsglobal.org/spec/ob/v3p0/ (AchievementCredential,
Achievement, Alignment, IdentityObject, Result, Evidence); VC Data Model 2.0:
https://www.w3.org/TR/vc-data-model-2.0/. Nothing here reads a database, a clock or a key:
everything the document says comes in as an argument, so the same inputs always build the
same credential.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from app.crypto.hashing import email_identity_hash
from app.crypto.vcdm import VCDM_V2_CONTEXT
from app.fields import Language
from app.standards.case import case_item_uri
from app.standards.references import EQUIVALENT_FRAMEWORKS
from app.standards.responses import version_url
from app.standards.schemas import StandardRead

OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
NASSC_FRAMEWORK = "NASSC Harmonized Standards"

OCCUPATION_FRAMEWORKS = {
    "soc_2018": "SOC 2018",
    "noc_2021": "NOC 2021",
    "sinco_2019": "SINCO 2019",
}


@dataclass(frozen=True, slots=True)
class Recipient:
    """The worker: a name, an email (only ever hashed) and optionally a holder DID."""

    name: str
    email: str
    did: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One piece of evidence from the assessment record."""

    name: str
    narrative: str | None = None
    url: str | None = None
    genre: str | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """The assessment the worker passed."""

    completed_on: date
    score_percent: float | None = None
    evidence: tuple[EvidenceItem, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class TrainingSource:
    """The accredited training provider that trained and assessed the worker (OB 3.0
    `AchievementSubject.source`: who assessed the achievement on the issuer's behalf)."""

    provider_id: int
    name: str
    country: str
    region: str
    identifier: str


@dataclass(frozen=True, slots=True)
class Issuer:
    """The issuing organisation as the credential names it."""

    did: str
    name: str
    url: str


def xsd_datetime(moment: datetime) -> str:
    """An XMLSchema dateTimeStamp in UTC with `Z` and whole seconds."""
    if moment.tzinfo is None:
        raise ValueError("credential dates must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def achievement_id(base_url: str, standard: StandardRead) -> str:
    """The achievement's id: the public URL of the standard version."""
    return version_url(base_url, standard.code, standard.version)


def build_alignments(
    standard: StandardRead, *, base_url: str, units: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """One alignment per competency unit (a CASE CFItem) earned, occupation code and
    equivalent; `units` are the codes of the units earned (None: every unit)."""
    english = Language.en
    standard_url = achievement_id(base_url, standard)
    alignments: list[dict[str, Any]] = [
        {
            "type": ["Alignment"],
            "targetType": "CFItem",
            "targetName": unit.title.en,
            "targetCode": unit.code,
            "targetFramework": NASSC_FRAMEWORK,
            "targetUrl": case_item_uri(
                base_url, standard.code, standard.version, english, unit.code
            ),
        }
        for unit in standard.units
        if units is None or unit.code in units
    ]
    for occupation in standard.occupations:
        for attribute, framework in OCCUPATION_FRAMEWORKS.items():
            code = getattr(occupation, attribute)
            alignments.append(
                {
                    "type": ["Alignment"],
                    "targetName": occupation.title.en,
                    "targetCode": code.code,
                    "targetFramework": framework,
                    "targetUrl": f"{standard_url}#{attribute.replace('_', '-')}-{code.code}",
                }
            )
    for equivalent in standard.equivalents:
        framework = EQUIVALENT_FRAMEWORKS.get(equivalent.framework.value, equivalent.framework)
        alignment: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": equivalent.title,
            "targetFramework": f"{framework} ({equivalent.country.value})",
            "targetUrl": str(equivalent.url) if equivalent.url else f"{standard_url}#equivalents",
            "targetDescription": f"Recognition: {equivalent.recognition_type.value}",
        }
        if equivalent.code:
            alignment["targetCode"] = equivalent.code
        alignments.append(alignment)
    return alignments


def build_achievement(
    standard: StandardRead,
    *,
    base_url: str,
    issuer: Issuer,
    units: Collection[str] | None = None,
) -> dict[str, Any]:
    """The OB 3.0 Achievement that is the harmonized standard (achievementType Certification),
    aligned to the units earned (`units`; None: every unit)."""
    identifier = achievement_id(base_url, standard)
    mandatory = [unit.title.en for unit in standard.units if unit.kind.value == "mandatory"]
    narrative = (
        f"Passed the NASSC assessment of every mandatory competency unit "
        f"({'; '.join(mandatory)})"
        + (
            f" and {standard.electives_required} elective unit(s)"
            if standard.electives_required
            else ""
        )
        + ", after a curriculum approved against this standard."
    )
    achievement: dict[str, Any] = {
        "id": identifier,
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": standard.title.en,
        "description": standard.description.en,
        "criteria": {"narrative": narrative},
        "humanCode": standard.code,
        "version": str(standard.version),
        "inLanguage": "en",
        "fieldOfStudy": standard.sector.value,
        "creator": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
        "alignment": build_alignments(standard, base_url=base_url, units=units),
        "resultDescription": [
            {
                "id": f"{identifier}#result-score",
                "type": ["ResultDescription"],
                "name": "Assessment score",
                "resultType": "Percent",
            }
        ],
        "related": [
            {
                "id": f"{identifier}?lang={language}",
                "type": ["Related"],
                "inLanguage": language,
                "version": str(standard.version),
            }
            for language in ("es", "fr")
        ],
    }
    return achievement


def build_subject(
    recipient: Recipient,
    *,
    salt: str,
    achievement: dict[str, Any],
    assessment: Assessment,
) -> dict[str, Any]:
    """The AchievementSubject: the worker by hashed email and name, with result and dates."""
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": email_identity_hash(recipient.email, salt=salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            },
            {
                "type": "IdentityObject",
                "identityHash": recipient.name,
                "identityType": "name",
                "hashed": False,
            },
        ],
        "achievement": achievement,
        "activityEndDate": assessment.completed_on.isoformat(),
    }
    if recipient.did:
        subject = {"id": recipient.did, **subject}
    if assessment.score_percent is not None:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": achievement["resultDescription"][0]["id"],
                "value": f"{assessment.score_percent:g}",
            }
        ]
    return subject


def build_source(training: TrainingSource) -> dict[str, Any]:
    """The training provider as an OB 3.0 Profile: name, country and region, its national
    registration number, and its NASSC accreditation (it issues only while accredited)."""
    return {
        "id": f"urn:nassc:provider:{training.provider_id}",
        "type": ["Profile"],
        "name": training.name,
        "description": "Training provider accredited by NASSC",
        "address": {
            "type": ["Address"],
            "addressCountryCode": training.country,
            "addressRegion": training.region,
        },
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": training.identifier,
                "identifierType": "identifier",
            }
        ],
    }


def build_evidence(assessment: Assessment) -> list[dict[str, Any]]:
    """Evidence objects from the assessment record."""
    evidence = []
    for item in assessment.evidence:
        entry: dict[str, Any] = {"type": ["Evidence"], "name": item.name}
        if item.url:
            entry["id"] = item.url
        if item.narrative:
            entry["narrative"] = item.narrative
        if item.genre:
            entry["genre"] = item.genre
        evidence.append(entry)
    return evidence


def build_credential(
    *,
    credential_id: str,
    issuer: Issuer,
    standard: StandardRead,
    base_url: str,
    recipient: Recipient,
    salt: str,
    assessment: Assessment,
    status_entries: list[dict[str, Any]],
    issued_at: datetime,
    valid_from: datetime,
    valid_until: datetime | None,
    units: Collection[str] | None = None,
    training: TrainingSource | None = None,
) -> dict[str, Any]:
    """The unsigned OB 3.0 AchievementCredential (VCDM 2.0); `units`: the codes of the
    competency units earned (None: every unit of the standard); `training`: the provider
    that trained and assessed the worker, if any."""
    achievement = build_achievement(standard, base_url=base_url, issuer=issuer, units=units)
    credential: dict[str, Any] = {
        "@context": [VCDM_V2_CONTEXT, OB_V3_CONTEXT],
        "id": f"urn:uuid:{credential_id}",
        "type": list(CREDENTIAL_TYPES),
        "name": f"NASSC Certification: {standard.title.en}",
        "description": standard.description.en,
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
        "validFrom": xsd_datetime(valid_from),
        "awardedDate": xsd_datetime(issued_at),
        "credentialSubject": build_subject(
            recipient, salt=salt, achievement=achievement, assessment=assessment
        ),
        "credentialStatus": status_entries,
    }
    if valid_until is not None:
        credential["validUntil"] = xsd_datetime(valid_until)
    if training is not None:
        credential["credentialSubject"]["source"] = build_source(training)
    evidence = build_evidence(assessment)
    if evidence:
        credential["evidence"] = evidence
    return credential
