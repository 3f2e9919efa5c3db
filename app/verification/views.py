"""What the verification pages show, in the page language: the verdict, the checks, the
credential's content, its competency units and its recognition in the employer's country.

Everything comes from the verification report, that is from the *verified* credential,
plus the public standards registry for the same standard code and version (its Spanish and
French titles, unit kinds, sector). Nothing about the worker comes from anywhere else: the
hashed email is never shown, nor any other credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import quote

from sqlalchemy.orm import Session

from app.fields import Country, Language
from app.issuer.identity import ISSUER_NAMES
from app.standards.enums import Sector
from app.standards.schemas import StandardRead
from app.verification.card import AssessmentView, assessment_view
from app.verification.checks import Check, Outcome
from app.verification.disclosure_views import DisclosureView, disclosure_view
from app.verification.forms import Form
from app.verification.named_standards import achievement_of, standard_of
from app.verification.page_labels import (
    CHECK_EXPLANATIONS,
    CHECK_SLUGS,
    CHECK_SYMBOLS,
    HOLDER_SIGNATURE,
    SD_JWT_VC_CHECK_EXPLANATIONS,
    STATUS_NAMES,
    VERDICT_EXPLANATIONS,
    VERDICT_SLUGS,
    VERDICT_SYMBOLS,
    VERDICT_TONES,
    Tone,
)
from app.verification.recognition_views import RecognitionView, recognition_view
from app.verification.sd_jwt_view import readable_document
from app.verification.service import CredentialReport, PresentationReport
from app.verification.summary import CredentialSummary
from app.web.i18n import gettext as translate
from app.web.vocabulary import (
    CHECK_OUTCOMES,
    CHECKS,
    COUNTRY_NAMES,
    SECTOR_NAMES,
    UNIT_KIND_NAMES,
    VERDICTS,
)

URN_UUID: Final = "urn:uuid:"
CFITEM: Final = "CFItem"
"""The alignment target type of a competency unit (a CASE framework item)."""
VALID_OUTCOMES: Final = frozenset({Outcome.verified, Outcome.status_unknown})
"""Outcomes under which a certificate is printed as a certificate (not as a notice)."""


@dataclass(frozen=True, slots=True)
class VerdictView:
    """The headline answer: a slug for machines and tests, words for people."""

    slug: str
    text: str
    explanation: str
    tone: Tone
    symbol: str


@dataclass(frozen=True, slots=True)
class CheckView:
    """One check: its name, its status (slug and words) and what it means."""

    name: str
    status: str
    outcome: str
    symbol: str
    explanation: str


@dataclass(frozen=True, slots=True)
class UnitView:
    """A competency unit the credential certifies."""

    code: str
    title: str
    kind: str | None


@dataclass(frozen=True, slots=True)
class CredentialView:
    """What the verified credential says, with registry labels in the page language."""

    credential_id: str | None
    holder_name: str | None
    title: str | None
    standard_code: str | None
    standard_version: str | None
    standard_url: str | None
    level: int | None
    sector: str | None
    issuer_name: str | None
    issuer_country: str | None
    awarded_at: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    status: str
    units: list[UnitView]
    assessment: AssessmentView


@dataclass(frozen=True, slots=True)
class CountryChoice:
    """One entry of the "your country" switcher."""

    code: str
    name: str
    current: bool


@dataclass(frozen=True, slots=True)
class ResultView:
    """The verification of one credential, ready to lay out."""

    verdict: VerdictView
    checks: list[CheckView]
    credential: CredentialView | None
    recognition: list[RecognitionView]
    disclosure: DisclosureView | None = None

    @property
    def valid(self) -> bool:
        """Whether the credential may be presented as a valid certificate."""
        return self.verdict.slug in {VERDICT_SLUGS[outcome] for outcome in VALID_OUTCOMES}

    @property
    def in_good_standing(self) -> bool:
        """Whether every check passed: only then may a page call it "genuine and valid"."""
        return self.verdict.slug == VERDICT_SLUGS[Outcome.verified]


@dataclass(frozen=True, slots=True)
class PresentationView:
    """A presentation: its own verdict, the holder's signature, then each credential."""

    verdict: VerdictView
    holder_check: CheckView
    credentials: list[ResultView]


def verdict_view(outcome: Outcome, language: Language) -> VerdictView:
    """The verdict of `outcome` in `language`."""
    tone: Tone = VERDICT_TONES.get(outcome, "bad")
    slug = VERDICT_SLUGS[outcome]
    return VerdictView(
        slug=slug,
        text=translate(language, VERDICTS[slug]),
        explanation=translate(language, VERDICT_EXPLANATIONS[outcome]),
        tone=tone,
        symbol=VERDICT_SYMBOLS[tone],
    )


def check_view(
    check: Check, language: Language, *, name: str | None = None, form: Form | None = None
) -> CheckView:
    """One check in `language`, explained by its code rather than the engine's English
    (and by the form's own words where the form gives the code another meaning)."""
    explanation = CHECK_EXPLANATIONS[check.code]
    if form is Form.sd_jwt_vc:
        explanation = SD_JWT_VC_CHECK_EXPLANATIONS.get(check.code, explanation)
    return CheckView(
        name=translate(language, name or CHECKS[CHECK_SLUGS[check.name]]),
        status=check.status.value,
        outcome=translate(language, CHECK_OUTCOMES[check.status.value]),
        symbol=CHECK_SYMBOLS[check.status],
        explanation=translate(language, explanation),
    )


def result_view(
    session: Session, report: CredentialReport, *, language: Language, root_path: str = ""
) -> ResultView:
    """The page view of one credential's verification report."""
    result = report.result
    standard = standard_of(session, result)
    credential = (
        credential_view(
            report.summary,
            document=readable_document(result) or {},
            standard=standard,
            language=language,
            root_path=root_path,
        )
        if report.summary is not None
        else None
    )
    return ResultView(
        verdict=verdict_view(result.outcome, language),
        checks=[check_view(check, language, form=result.form) for check in result.checks],
        credential=credential,
        recognition=[recognition_view(item, language) for item in report.recognition],
        disclosure=disclosure_view(result, language),
    )


def presentation_view(
    session: Session, report: PresentationReport, *, language: Language, root_path: str = ""
) -> PresentationView:
    """The page view of a presentation and of each credential it holds."""
    return PresentationView(
        verdict=verdict_view(report.result.outcome, language),
        holder_check=check_view(report.result.proof, language, name=HOLDER_SIGNATURE),
        credentials=[
            result_view(session, item, language=language, root_path=root_path)
            for item in report.credentials
        ],
    )


def credential_view(
    summary: CredentialSummary,
    *,
    document: Mapping[str, Any],
    standard: StandardRead | None,
    language: Language,
    root_path: str = "",
) -> CredentialView:
    """The credential's content; titles from the registry when it knows the standard."""
    issuer = summary.issuer
    code, version = summary.standard.code, summary.standard.version
    return CredentialView(
        credential_id=(summary.credential_id or "").removeprefix(URN_UUID) or None,
        holder_name=summary.holder_name,
        title=standard.title.in_language(language) if standard else summary.standard.title,
        standard_code=code,
        standard_version=version,
        standard_url=(
            f"{root_path}/standards/{quote(code, safe='')}?version={quote(version, safe='')}"
            f"&lang={language}"
            if standard and code and version
            else None
        ),
        level=summary.standard.level,
        sector=_sector_name(summary.standard.sector, language),
        issuer_name=ISSUER_NAMES[language] if issuer.own else (issuer.registry_name or issuer.name),
        issuer_country=(
            translate(language, COUNTRY_NAMES[Country(issuer.country)])
            if issuer.country in {country.value for country in Country}
            else None
        ),
        awarded_at=summary.awarded_at,
        valid_from=summary.valid_from,
        valid_until=summary.valid_until,
        status=translate(language, STATUS_NAMES[summary.status]),
        units=unit_views(document, standard=standard, language=language),
        assessment=assessment_view(document, language=language),
    )


def unit_views(
    document: Mapping[str, Any], *, standard: StandardRead | None, language: Language
) -> list[UnitView]:
    """The competency units the credential aligns to, titled in the page language.

    The codes come from the credential's alignments; the registry only translates the
    title and names the kind of a unit whose code it knows.
    """
    known = {unit.code: unit for unit in standard.units} if standard else {}
    alignments = achievement_of(document).get("alignment")
    units = []
    for alignment in alignments if isinstance(alignments, list) else []:
        if not isinstance(alignment, Mapping) or alignment.get("targetType") != CFITEM:
            continue
        code, name = alignment.get("targetCode"), alignment.get("targetName")
        if not isinstance(code, str) or not isinstance(name, str):
            continue
        unit = known.get(code)
        units.append(
            UnitView(
                code=code,
                title=unit.title.in_language(language) if unit else name,
                kind=translate(language, UNIT_KIND_NAMES[unit.kind]) if unit else None,
            )
        )
    return units


def country_choices(current: Country | None, language: Language) -> list[CountryChoice]:
    """The three countries for the "your country" switcher, the current one marked."""
    return [
        CountryChoice(
            code=country.value,
            name=translate(language, COUNTRY_NAMES[country]),
            current=country is current,
        )
        for country in Country
    ]


def _sector_name(value: str | None, language: Language) -> str | None:
    if value is None:
        return None
    try:
        return translate(language, SECTOR_NAMES[Sector(value)])
    except (ValueError, KeyError):
        return value
