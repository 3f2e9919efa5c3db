"""How a NASSC standard is recognised in the employer's country, from the standards registry.

For each country: the national occupation classification an employer there uses (US SOC
2018, Canada NOC 2021, Mexico SINCO 2019), the national level where the standard is
referenced to one (CONOCER in Mexico, the NOC TEER category in Canada), and the national
credentials recognised toward the standard. Every code keeps its `verified` flag: an
unconfirmed code is shown as provisional, never as fact.

This is public information about the standard, not about the worker.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from app.fields import Country, Language
from app.standards.references import EQUIVALENT_FRAMEWORKS
from app.standards.schemas import StandardRead

OCCUPATION_SYSTEMS: Final = {
    Country.us: ("soc_2018", "SOC 2018"),
    Country.ca: ("noc_2021", "NOC 2021"),
    Country.mx: ("sinco_2019", "SINCO 2019"),
}
DEFAULT_LANGUAGES: Final[dict[Country, Language]] = {
    Country.us: Language.en,
    Country.ca: Language.en,
    Country.mx: Language.es,
}


class OccupationRead(BaseModel):
    """An occupation in the country's classification; `verified: false` is provisional."""

    system: str
    code: str
    title: str
    official_title: str | None
    match_type: str
    verified: bool


class NationalLevelRead(BaseModel):
    """The national level the standard is referenced to."""

    framework: str
    level: int


class EquivalentRead(BaseModel):
    """A national credential recognised toward the standard."""

    framework: str
    jurisdiction: str | None
    code: str | None
    title: str
    """Its official title in the reader's language when one exists, else the original."""
    title_language: Language | None = None
    """The language `title` is written in (None: not stated)."""
    recognition_type: str
    url: str | None
    verified: bool
    unit_codes: tuple[str, ...] = ()
    """The standard's units it covers (what a partial recognition leaves out)."""


class RecognitionRead(BaseModel):
    """How the standard is recognised in one country."""

    country: Country
    language: Language
    standard_code: str
    standard_version: int
    standard_title: str
    nassc_level: int
    national_level: NationalLevelRead | None
    occupations: list[OccupationRead]
    equivalents: list[EquivalentRead]


def recognition_for(
    standard: StandardRead, *, country: Country, language: Language
) -> RecognitionRead:
    """The recognition of `standard` in `country`, with titles in `language`."""
    attribute, system = OCCUPATION_SYSTEMS[country]
    occupations = []
    for occupation in standard.occupations:
        code = getattr(occupation, attribute)
        occupations.append(
            OccupationRead(
                system=system,
                code=code.code,
                title=occupation.title.in_language(language),
                official_title=code.official_title,
                match_type=code.match_type.value,
                verified=code.verified,
            )
        )
    equivalents = [
        EquivalentRead(
            framework=EQUIVALENT_FRAMEWORKS.get(item.framework.value, item.framework.value),
            jurisdiction=item.jurisdiction,
            code=item.code,
            title=item.title_in(language)[0],
            title_language=item.title_in(language)[1],
            recognition_type=item.recognition_type.value,
            url=item.url,
            verified=item.verified,
            unit_codes=tuple(item.unit_codes),
        )
        for item in standard.equivalents
        if item.country is country
    ]
    return RecognitionRead(
        country=country,
        language=language,
        standard_code=standard.code,
        standard_version=standard.version,
        standard_title=standard.title.in_language(language),
        nassc_level=standard.level.nassc_level,
        national_level=_national_level(standard, country),
        occupations=occupations,
        equivalents=equivalents,
    )


def _national_level(standard: StandardRead, country: Country) -> NationalLevelRead | None:
    if country is Country.mx and standard.level.conocer_level is not None:
        return NationalLevelRead(framework="CONOCER", level=standard.level.conocer_level)
    if country is Country.ca and standard.level.noc_teer is not None:
        return NationalLevelRead(framework="NOC TEER", level=standard.level.noc_teer)
    return None
