"""What the page of one standard shows, in the page language, for a reader in one country.

Every label is already translated and every per-country list already ordered with the
reader's country first, so `standards/detail.html` only lays the view out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from app.fields import Country, Language
from app.standards.catalog_view import CATALOG_PATH, page_url, whole_number
from app.standards.enums import StandardStatus, UnitKind
from app.standards.models import Standard
from app.standards.page_labels import (
    ASSESSMENT_NAMES,
    MATCH_NAMES,
    MODALITY_NAMES,
    capitalized,
    framework_name,
    join_list,
    language_name,
)
from app.standards.references import Noc2021Code, Sinco2019Code, Soc2018Code, other_language
from app.standards.responses import version_url
from app.standards.schemas import StandardRead
from app.web.i18n import gettext as translate
from app.web.vocabulary import (
    COUNTRY_NAMES,
    OUTCOME_KIND_NAMES,
    RECOGNITION_NAMES,
    SECTOR_NAMES,
    UNIT_KIND_NAMES,
)

MAX_VERSION = 1_000_000


def parse_version(value: str | None) -> int | None:
    """A positive version number, or None for a missing or malformed one."""
    return whole_number(value, 1, MAX_VERSION)


@dataclass(frozen=True, slots=True)
class NationalCode:
    """An occupation's code in one national classification."""

    code: str
    match: str
    verified: bool


@dataclass(frozen=True, slots=True)
class OccupationView:
    """An occupation and its SOC 2018, NOC 2021 and SINCO 2019 codes."""

    title: str
    soc_2018: NationalCode
    noc_2021: NationalCode
    sinco_2019: NationalCode


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """A learning outcome and the criteria it is judged against."""

    code: str
    kind: str
    text: str
    criteria: list[str]


@dataclass(frozen=True, slots=True)
class UnitView:
    """A competency unit with its outcomes."""

    code: str
    anchor: str
    kind: str
    mandatory: bool
    weight: float
    title: str
    description: str | None
    outcomes: list[OutcomeView]


@dataclass(frozen=True, slots=True)
class UnitLink:
    """A reference to a unit of this standard, linked to its section."""

    code: str
    anchor: str


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """One assessment instrument; no `units` means it covers every unit."""

    method: str
    description: str | None
    units: list[UnitLink]
    item_count: int | None
    duration_minutes: int | None
    cut_score: float


@dataclass(frozen=True, slots=True)
class EquivalentView:
    """A national credential recognised toward the standard."""

    title: str
    title_lang: str | None
    """The title's language when it is not the page's (for a `lang` attribute)."""
    code: str | None
    framework: str
    jurisdiction: str | None
    recognition: str
    units: list[UnitLink]
    url: str | None
    verified: bool


@dataclass(frozen=True, slots=True)
class CountryEquivalents:
    """The national credentials of one country recognised toward the standard."""

    country: str
    name: str
    is_reader: bool
    items: list[EquivalentView]


@dataclass(frozen=True, slots=True)
class DeliveryView:
    """How training for the standard may be delivered in one country."""

    country: str
    name: str
    is_reader: bool
    min_hours: int
    max_hours: int
    modalities: str
    practice_share: float
    work_based_hours: int
    languages: str
    notes: str | None


@dataclass(frozen=True, slots=True)
class LevelView:
    """The NASSC level and the national levels it is referenced to."""

    nassc: int
    conocer: int | None
    noc_teer: int | None
    eqf: int | None
    rationale: str | None


@dataclass(frozen=True, slots=True)
class CountryLink:
    """One entry of the "show for your country" switcher."""

    code: str
    name: str
    current: bool


@dataclass(frozen=True, slots=True)
class StandardView:
    """Everything `standards/detail.html` shows."""

    code: str
    version: int
    retired: bool
    published_at: datetime | None
    title: str
    description: str
    sector: str
    level: LevelView
    validity_years: int
    occupations: list[OccupationView]
    units: list[UnitView]
    electives_required: int
    assessments: list[AssessmentView]
    equivalents: list[CountryEquivalents]
    deliveries: list[DeliveryView]
    reader_country: str | None
    countries: list[CountryLink]
    unverified_codes: bool
    unverified_equivalents: bool
    catalog_url: str
    json_url: str
    case_url: str


def standard_view(
    standard: Standard,
    document: StandardRead,
    *,
    language: Language,
    reader_country: Country | None,
    root_path: str,
    base_url: str,
    keep: dict[str, str],
) -> StandardView:
    """The page of one stored standard version, in `language`, for a reader in `reader_country`.

    `document` is the validated content of `standard`; `base_url` makes the machine-readable
    links absolute (they are the identifiers credentials point to).
    """
    units = {unit.code: UnitLink(unit.code, _unit_anchor(unit.code)) for unit in document.units}
    countries = _reader_first(reader_country)
    return StandardView(
        code=document.code,
        version=document.version,
        retired=standard.status == StandardStatus.retired.value,
        published_at=standard.published_at,
        title=document.title.in_language(language),
        description=document.description.in_language(language),
        sector=translate(language, SECTOR_NAMES[document.sector]),
        level=LevelView(
            nassc=document.level.nassc_level,
            conocer=document.level.conocer_level,
            noc_teer=document.level.noc_teer,
            eqf=document.level.eqf_level,
            rationale=(
                document.level.rationale.in_language(language) if document.level.rationale else None
            ),
        ),
        validity_years=document.validity_years,
        occupations=[
            OccupationView(
                title=occupation.title.in_language(language),
                soc_2018=_national_code(occupation.soc_2018, language),
                noc_2021=_national_code(occupation.noc_2021, language),
                sinco_2019=_national_code(occupation.sinco_2019, language),
            )
            for occupation in document.occupations
        ],
        units=[
            UnitView(
                code=unit.code,
                anchor=_unit_anchor(unit.code),
                kind=translate(language, UNIT_KIND_NAMES[unit.kind]),
                mandatory=unit.kind is UnitKind.mandatory,
                weight=unit.weight_percent / 100,
                title=unit.title.in_language(language),
                description=unit.description.in_language(language) if unit.description else None,
                outcomes=[
                    OutcomeView(
                        code=outcome.code,
                        kind=translate(language, OUTCOME_KIND_NAMES[outcome.kind]),
                        text=outcome.text.in_language(language),
                        criteria=[c.in_language(language) for c in outcome.performance_criteria],
                    )
                    for outcome in unit.outcomes
                ],
            )
            for unit in document.units
        ],
        electives_required=document.electives_required,
        assessments=[
            AssessmentView(
                method=translate(language, ASSESSMENT_NAMES[assessment.kind]),
                description=(
                    assessment.description.in_language(language) if assessment.description else None
                ),
                units=[units[code] for code in assessment.unit_codes],
                item_count=assessment.item_count,
                duration_minutes=assessment.duration_minutes,
                cut_score=assessment.cut_score_percent / 100,
            )
            for assessment in document.assessments
        ],
        equivalents=[
            CountryEquivalents(
                country=country.value,
                name=translate(language, COUNTRY_NAMES[country]),
                is_reader=country is reader_country,
                items=[
                    EquivalentView(
                        title=item.title_in(language)[0],
                        title_lang=other_language(item.title_in(language)[1], language),
                        code=item.code,
                        framework=framework_name(item.framework, language),
                        jurisdiction=item.jurisdiction,
                        recognition=translate(language, RECOGNITION_NAMES[item.recognition_type]),
                        units=[units[code] for code in item.unit_codes],
                        url=item.url,
                        verified=item.verified,
                    )
                    for item in document.equivalents
                    if item.country is country
                ],
            )
            for country in countries
        ],
        deliveries=[
            DeliveryView(
                country=profile.country.value,
                name=translate(language, COUNTRY_NAMES[profile.country]),
                is_reader=profile.country is reader_country,
                min_hours=profile.min_hours,
                max_hours=profile.max_hours,
                modalities=capitalized(
                    join_list(
                        [translate(language, MODALITY_NAMES[m]) for m in profile.modalities],
                        language,
                    )
                ),
                practice_share=profile.min_practice_share,
                work_based_hours=profile.min_work_based_hours,
                languages=_language_list(profile.languages, language),
                notes=profile.notes.in_language(language) if profile.notes else None,
            )
            for country in countries
            for profile in [document.delivery_profile_for(country)]
            if profile is not None
        ],
        reader_country=(
            translate(language, COUNTRY_NAMES[reader_country]) if reader_country else None
        ),
        countries=[
            CountryLink(c.value, translate(language, COUNTRY_NAMES[c]), c is reader_country)
            for c in Country
        ],
        unverified_codes=any(occupation.unverified_systems for occupation in document.occupations),
        unverified_equivalents=any(not item.verified for item in document.equivalents),
        catalog_url=page_url(root_path, CATALOG_PATH, **keep),
        json_url=version_url(base_url, document.code, document.version) + f"?lang={language}",
        case_url=f"{base_url}/api/v1/standards/{document.code}/case?"
        + urlencode({"version": document.version, "lang": language}),
    )


def _national_code(
    code: Soc2018Code | Noc2021Code | Sinco2019Code, language: Language
) -> NationalCode:
    return NationalCode(
        code=code.code,
        match=translate(language, MATCH_NAMES[code.match_type]),
        verified=code.verified,
    )


def _language_list(codes: list[Language], language: Language) -> str:
    names = [language_name(code, language) for code in codes]
    return capitalized(join_list(names, language))


def _reader_first(reader_country: Country | None) -> list[Country]:
    # sorted() is stable: the other countries keep their US, MX, CA order.
    return sorted(Country, key=lambda country: country is not reader_country)


def _unit_anchor(code: str) -> str:
    return f"unit-{code}"
