"""What the employer's pages show of a presentation request: the form's choices, the QR code
while waiting, and the result (what was disclosed, what it means in their country, what was
not disclosed), in the page language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.orm import Session

from app.fields import Country, Language
from app.presentations.dcql import CERTIFICATION, Claim, Format
from app.presentations.models import PresentationRequest, RequestStatus
from app.standards.enums import Sector
from app.standards.models import Standard
from app.verification.checks import Check, CheckName, CheckStatus, Code, Outcome
from app.verification.named_standards import find_standard
from app.verification.recognition import recognition_for
from app.verification.recognition_views import RecognitionView, recognition_view
from app.verification.views import CheckView, VerdictView, check_view, verdict_view
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, N_, SECTOR_NAMES

CLAIM_LABELS: Final[dict[str, str]] = {
    CERTIFICATION: N_("Certification"),
    Claim.name: N_("Holder's name"),
    Claim.score: N_("Score"),
    Claim.units: N_("Competency units"),
    Claim.provider: N_("Training provider"),
    Claim.assessment_date: N_("Assessment date"),
    Claim.evidence: N_("Evidence"),
}
FORMAT_LABELS: Final[dict[Format, str]] = {
    Format.sd_jwt: N_("SD-JWT VC (the worker can withhold claims)"),
    Format.ldp_vc: N_("Open Badges 3.0 with a Data Integrity proof (shows every claim)"),
    Format.jwt_vc_json: N_("Open Badges 3.0 as a JWT (shows every claim)"),
}
HOLDER_BINDINGS: Final[dict[str, str]] = {
    "key-binding-jwt": N_("The wallet signed the answer with the key the credential is bound to."),
    "holder-proof": N_("The wallet signed the answer for this request (challenge and domain)."),
}


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a select or checkbox group."""

    value: str
    label: str
    checked: bool = False


@dataclass(frozen=True, slots=True)
class FormView:
    """The request form: standards, sectors, claims, formats and countries to choose from."""

    action_url: str
    standards: list[Choice]
    sectors: list[Choice]
    claims: list[Choice]
    formats: list[Choice]
    countries: list[Choice]
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DisclosedRow:
    """One claim the wallet showed, as a label and its value(s)."""

    label: str
    values: list[str]


@dataclass(frozen=True, slots=True)
class ResultView:
    """An answered request: the verdict, every check, the claims and their meaning."""

    verdict: VerdictView
    checks: list[CheckView]
    disclosed: list[DisclosedRow]
    withheld: list[str]
    holder_binding: str
    format: str
    recognition: list[RecognitionView]


def form_view(
    standards: list[Standard],
    *,
    language: Language,
    country: Country | None,
    action_url: str,
    error: str | None = None,
) -> FormView:
    """The request form in `language`, the employer's country preselected."""
    return FormView(
        action_url=action_url,
        standards=[
            Choice(s.code, f"{s.code} — {getattr(s, f'title_{language.value}')}") for s in standards
        ],
        sectors=[Choice(s.value, translate(language, SECTOR_NAMES[s])) for s in Sector],
        claims=[
            Choice(claim.value, translate(language, CLAIM_LABELS[claim]), claim is Claim.name)
            for claim in Claim
        ],
        formats=[Choice(f.value, translate(language, FORMAT_LABELS[f]), True) for f in Format],
        countries=[
            Choice(c.value, translate(language, COUNTRY_NAMES[c]), c is country) for c in Country
        ],
        error=error,
    )


def result_view(
    session: Session, request: PresentationRequest, *, language: Language
) -> ResultView | None:
    """The result of an answered request (None while pending, declined or failed)."""
    result = request.result
    if request.status != RequestStatus.answered.value or result is None:
        return None
    checks = [
        Check(
            CheckName(item["name"]),
            CheckStatus(item["status"]),
            Code(item["code"]),
            item["detail"],
        )
        for item in result["checks"]
    ]
    disclosed = [
        DisclosedRow(translate(language, CLAIM_LABELS[name]), _values(name, value))
        for name, value in result["disclosed"].items()
    ]
    return ResultView(
        verdict=verdict_view(Outcome(result["outcome"]), language),
        checks=[check_view(check, language) for check in checks],
        disclosed=disclosed,
        withheld=[translate(language, CLAIM_LABELS[name]) for name in result["withheld"]],
        holder_binding=translate(language, HOLDER_BINDINGS[result["holder_binding"]]),
        format=translate(language, FORMAT_LABELS[Format(result["format"])]),
        recognition=_recognition(session, request, result, language),
    )


def _recognition(
    session: Session, request: PresentationRequest, result: dict[str, Any], language: Language
) -> list[RecognitionView]:
    code, version = result.get("standard_code"), result.get("standard_version")
    if not isinstance(code, str) or not isinstance(version, int) or not result.get("verified"):
        return []
    standard = find_standard(session, code=code, version=version)
    if standard is None:
        return []
    countries = [Country(request.employer_country)] if request.employer_country else list(Country)
    return [
        recognition_view(recognition_for(standard, country=country, language=language), language)
        for country in countries
    ]


def _values(name: str, value: Any) -> list[str]:
    if name == CERTIFICATION and isinstance(value, dict):
        title, code = value.get("title"), value.get("code")
        version = value.get("version")
        text = " — ".join(str(part) for part in (code, title) if part)
        return [f"{text} (v{version})" if version else text]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]
