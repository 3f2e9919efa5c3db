"""How a NASSC standard is recognised in the employer's country, from the standards registry.

For each country: the national occupation classification an employer there uses (US SOC
2018, Canada NOC 2021, Mexico SINCO 2019), the national level where the standard is
referenced to one (CONOCER in Mexico, the NOC TEER category in Canada), and the national
credentials recognised toward the standard. Every code keeps its `verified` flag: an
unconfirmed code is shown as provisional, never as fact.

This is public information about the standard, not about the worker.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from app.i18n import Language
from app.standards import service as standards_service
from app.standards.enums import Country, StandardStatus
from app.standards.enums import Language as StandardLanguage
from app.standards.errors import StandardNotFound
from app.standards.references import EQUIVALENT_FRAMEWORKS
from app.standards.schemas import StandardRead
from app.verification.caches import CacheMiss

OCCUPATION_SYSTEMS: Final = {
    Country.us: ("soc_2018", "SOC 2018"),
    Country.ca: ("noc_2021", "NOC 2021"),
    Country.mx: ("sinco_2019", "SINCO 2019"),
}
DEFAULT_LANGUAGES: Final[dict[Country, Language]] = {
    Country.us: "en",
    Country.ca: "en",
    Country.mx: "es",
}
_IMMUTABLE: Final = frozenset({StandardStatus.published.value, StandardStatus.retired.value})
_CACHE_SIZE: Final = 256


@dataclass(frozen=True, slots=True)
class OccupationCode:
    """One occupation the standard prepares for, coded in the country's classification."""

    system: str
    code: str
    title: str
    official_title: str | None
    match_type: str
    verified: bool


@dataclass(frozen=True, slots=True)
class NationalLevel:
    """The national level the standard is referenced to (not merged with)."""

    framework: str
    level: int


@dataclass(frozen=True, slots=True)
class EquivalentCredential:
    """A national credential recognised toward the standard."""

    framework: str
    jurisdiction: str | None
    code: str | None
    title: str
    recognition_type: str
    url: str | None
    verified: bool
    unit_codes: tuple[str, ...] = ()
    """The standard's units it covers (what a partial recognition leaves out)."""


@dataclass(frozen=True, slots=True)
class Recognition:
    """The standard as an employer in `country` knows it."""

    country: Country
    language: Language
    standard_code: str
    standard_version: int
    standard_title: str
    nassc_level: int
    national_level: NationalLevel | None
    occupations: list[OccupationCode]
    equivalents: list[EquivalentCredential]


def recognition_for(standard: StandardRead, *, country: Country, language: Language) -> Recognition:
    """The recognition of `standard` in `country`, with titles in `language`."""
    attribute, system = OCCUPATION_SYSTEMS[country]
    lang = StandardLanguage(language)
    occupations = []
    for occupation in standard.occupations:
        code = getattr(occupation, attribute)
        occupations.append(
            OccupationCode(
                system=system,
                code=code.code,
                title=occupation.title.in_language(lang),
                official_title=code.official_title,
                match_type=code.match_type.value,
                verified=code.verified,
            )
        )
    equivalents = [
        EquivalentCredential(
            framework=EQUIVALENT_FRAMEWORKS.get(item.framework.value, item.framework.value),
            jurisdiction=item.jurisdiction,
            code=item.code,
            title=item.title,
            recognition_type=item.recognition_type.value,
            url=item.url,
            verified=item.verified,
            unit_codes=tuple(item.unit_codes),
        )
        for item in standard.equivalents
        if item.country is country
    ]
    return Recognition(
        country=country,
        language=language,
        standard_code=standard.code,
        standard_version=standard.version,
        standard_title=standard.title.in_language(lang),
        nassc_level=standard.level.nassc_level,
        national_level=_national_level(standard, country),
        occupations=occupations,
        equivalents=equivalents,
    )


def _national_level(standard: StandardRead, country: Country) -> NationalLevel | None:
    if country is Country.mx and standard.level.conocer_level is not None:
        return NationalLevel("CONOCER", standard.level.conocer_level)
    if country is Country.ca and standard.level.noc_teer is not None:
        return NationalLevel("NOC TEER", standard.level.noc_teer)
    return None


class _Standards:
    """Per-process cache of published standard versions (immutable once published)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, int], StandardRead] = {}
        self._lock = threading.Lock()

    def find(self, session: Session | None, *, code: str, version: int) -> StandardRead | None:
        key = (code, version)
        with self._lock:
            cached = self._items.get(key)
        if cached is not None:
            return cached
        if session is None:
            raise CacheMiss(f"the standard {code} v{version} must be read from the database")
        try:
            row = standards_service.get_standard(session, code=code, version=version)
        except StandardNotFound:
            return None
        standard = standards_service.to_schema(row)
        if row.status in _IMMUTABLE:
            with self._lock:
                if len(self._items) >= _CACHE_SIZE:
                    self._items.clear()
                self._items[key] = standard
        return standard


_standards = _Standards()


def find_standard(session: Session | None, *, code: str, version: int) -> StandardRead | None:
    """The published (or retired) standard version a credential names, if the registry has it.

    Without a session only the cache is read (`CacheMiss` when the standard is not in it).
    """
    return _standards.find(session, code=code, version=version)
