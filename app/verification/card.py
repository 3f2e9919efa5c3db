"""What an employer needs first, read from the verified credential: who trained and
assessed the worker, when, with what score and evidence.

The training provider is the credential's `credentialSubject.source` Profile (OB 3.0:
who assessed the achievement on the issuer's behalf); the assessment date is the
subject's `activityEndDate`, the score its `result` and the evidence the credential's
`evidence`. Nothing comes from anywhere but the verified document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from app.fields import Country, Language
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, N_

ACCREDITED: Final = N_("Accredited by NASSC")
"""The accreditation of a provider named as the source (it issues only while accredited)."""
ACCREDITED_DESCRIPTION: Final = "Training provider accredited by NASSC"
"""The source Profile's `description` as `app.credentials.builder.build_source` writes it."""
PROVIDER_TERMS: Final = (
    N_("Training provider"),
    N_("Accreditation"),
    N_("Registration number"),
    N_("Assessment date"),
    N_("Score"),
    N_("Evidence"),
)


@dataclass(frozen=True, slots=True)
class ProviderView:
    """The training provider, as the credential names it."""

    name: str
    country: str | None
    region: str | None
    identifier: str | None
    accreditation: str | None


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """The assessment the credential attests."""

    provider: ProviderView | None
    assessed_on: date | None
    score_percent: float | None
    evidence: list[str]


def assessment_view(document: Mapping[str, Any], *, language: Language) -> AssessmentView:
    """The provider, date, score and evidence of a verified credential, in `language`."""
    subject = _mapping(document.get("credentialSubject"))
    return AssessmentView(
        provider=_provider(_mapping(subject.get("source")), language),
        assessed_on=_date(subject.get("activityEndDate")),
        score_percent=_score(subject.get("result")),
        evidence=[
            str(item["name"])
            for item in _list(document.get("evidence"))
            if isinstance(item, Mapping) and isinstance(item.get("name"), str)
        ],
    )


def _provider(source: Mapping[str, Any], language: Language) -> ProviderView | None:
    name = source.get("name")
    if not isinstance(name, str) or not name:
        return None
    address = _mapping(source.get("address"))
    code = address.get("addressCountryCode")
    country = (
        translate(language, COUNTRY_NAMES[Country(code)])
        if code in {country.value for country in Country}
        else None
    )
    identifiers = [
        entry["identifier"]
        for entry in _list(source.get("otherIdentifier"))
        if isinstance(entry, Mapping) and isinstance(entry.get("identifier"), str)
    ]
    region = address.get("addressRegion")
    return ProviderView(
        name=name,
        country=country,
        region=region if isinstance(region, str) else None,
        identifier=identifiers[0] if identifiers else None,
        accreditation=(
            translate(language, ACCREDITED)
            if source.get("description") == ACCREDITED_DESCRIPTION
            else None
        ),
    )


def _score(results: Any) -> float | None:
    for result in _list(results):
        value = result.get("value") if isinstance(result, Mapping) else None
        try:
            return float(value) if isinstance(value, str) else None
        except ValueError:
            return None
    return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
