"""How a standard is referenced to the national schemes of the three countries.

Three kinds of reference, all curated assertions rather than inferences: the occupations a
standard prepares for (SOC 2018, NOC 2021, SINCO 2019), its level against CONOCER, NOC TEER
and EQF, and the national credentials recognised toward it. Every national code carries a
`verified` flag: `false` means nobody has yet confirmed the code (or its title) in an official
source, and consumers must treat it as provisional.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.fields import SIGNABLE, Country, Language, StrictBool
from app.standards.codes import (
    CONOCER_EC_PATTERN,
    NOC_2021_PATTERN,
    SINCO_2019_PATTERN,
    SOC_2018_PATTERN,
    ItemCode,
)
from app.standards.enums import FRAMEWORK_COUNTRY, CredentialFramework, MatchType, RecognitionType
from app.standards.localized import Label, LocalizedText

Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), SIGNABLE
]
HttpUrlText = Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://\S+$")]
Jurisdiction = Annotated[str, StringConstraints(pattern=r"^(US|MX|CA)(-[A-Z]{2,3})?$")]
"""A country, or a state/province within it, e.g. `CA-ON`."""
CredentialCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), SIGNABLE
]
"""A national credential's own code, e.g. `EC0118`, `442A` or `CPT-SAFETY`."""
EQUIVALENT_FRAMEWORKS = {
    "mssc": "MSSC",
    "red-seal": "Red Seal",
    "provincial-trade": "Provincial trade certification",
    "conocer": "CONOCER",
    "sep": "SEP",
    "other": "National credential",
}
"""The display name of each framework of equivalent national credentials (by slug), as
credentials name them in `targetFramework` and verification shows them."""


class _NationalCode(BaseModel):
    """One code in a national occupation classification, and how well it matches."""

    model_config = ConfigDict(extra="forbid")

    code: str
    match_type: MatchType
    verified: StrictBool
    official_title: Label | None = None
    note: Note | None = None


class Soc2018Code(_NationalCode):
    """A US SOC 2018 detailed occupation, `NN-NNNN`."""

    code: Annotated[str, StringConstraints(pattern=SOC_2018_PATTERN)]


class Noc2021Code(_NationalCode):
    """A Canadian NOC 2021 unit group: five digits, the second being the TEER category."""

    code: Annotated[str, StringConstraints(pattern=NOC_2021_PATTERN)]

    @property
    def teer(self) -> int:
        """The TEER category (0-5) encoded in the code's second digit."""
        return int(self.code[1])


class Sinco2019Code(_NationalCode):
    """A Mexican SINCO 2019 grupo unitario: four digits."""

    code: Annotated[str, StringConstraints(pattern=SINCO_2019_PATTERN)]


class Occupation(BaseModel):
    """An occupation the standard prepares for, coded in all three national classifications."""

    model_config = ConfigDict(extra="forbid")

    title: LocalizedText
    soc_2018: Soc2018Code
    noc_2021: Noc2021Code
    sinco_2019: Sinco2019Code

    @property
    def unverified_systems(self) -> list[str]:
        """Names of the classifications whose code here is not yet confirmed."""
        codes = {
            "soc_2018": self.soc_2018,
            "noc_2021": self.noc_2021,
            "sinco_2019": self.sinco_2019,
        }
        return [system for system, code in codes.items() if not code.verified]


class LevelReference(BaseModel):
    """The NASSC level (1-8) and the national levels it is referenced to, not merged with."""

    model_config = ConfigDict(extra="forbid")

    nassc_level: int = Field(ge=1, le=8)
    conocer_level: int | None = Field(default=None, ge=1, le=5)
    noc_teer: int | None = Field(default=None, ge=0, le=5)
    eqf_level: int | None = Field(default=None, ge=1, le=8)
    rationale: LocalizedText | None = None


class NationalEquivalent(BaseModel):
    """A national credential recognised toward the standard (or some of its units)."""

    model_config = ConfigDict(extra="forbid")

    country: Country
    framework: CredentialFramework
    jurisdiction: Jurisdiction | None = None
    code: CredentialCode | None = None
    title: Label
    """Its official title, as the awarding body publishes it."""
    title_language: Language | None = None
    """The language `title` is written in (None: not stated)."""
    translations: dict[Language, Label] = Field(default_factory=dict)
    """Its official titles in other languages, only where the awarding body publishes them
    (Red Seal trades have official English and French names); never our own translation."""
    recognition_type: RecognitionType
    unit_codes: list[ItemCode] = Field(default_factory=list)
    url: HttpUrlText | None = None
    verified: StrictBool
    note: Note | None = None

    @model_validator(mode="after")
    def _check_framework(self) -> NationalEquivalent:
        expected = FRAMEWORK_COUNTRY.get(self.framework)
        if expected is not None and expected != self.country:
            raise ValueError(
                f"country: framework {self.framework.value!r} belongs to {expected.value}, "
                f"not {self.country.value}"
            )
        if self.jurisdiction is not None and not self.jurisdiction.startswith(self.country.value):
            raise ValueError(
                f"jurisdiction: {self.jurisdiction!r} is not in country {self.country.value}"
            )
        if self.framework is CredentialFramework.conocer and (
            self.code is None or not re.fullmatch(CONOCER_EC_PATTERN, self.code)
        ):
            raise ValueError(
                f"code: a CONOCER standard code looks like 'EC0118', not {self.code!r}"
            )
        if len(set(self.unit_codes)) != len(self.unit_codes):
            raise ValueError("unit_codes: each unit may be listed once")
        if self.translations and self.title_language is None:
            raise ValueError("translations: state the title's own language (title_language)")
        if self.title_language in self.translations:
            raise ValueError("translations: the title is already in its own language")
        return self

    def title_in(self, language: Language) -> tuple[str, Language | None]:
        """Its official title for a reader of `language`, and the language that title is in:
        the official translation when there is one, else the original title."""
        if language in self.translations:
            return self.translations[language], language
        return self.title, self.title_language


def other_language(language: Language | None, page: Language) -> str | None:
    """`language` when a title written in it stands on a page in `page` (its `lang`
    attribute); None when it is the page's language or not stated."""
    return None if language is None or language is page else language.value
