"""What the verification pages show of a standard in the employer's country: its national
level, occupation codes and equivalent national credentials, in the page language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from app.i18n import Language
from app.standards.enums import CredentialFramework, MatchType, RecognitionType
from app.standards.page_labels import MATCH_NAMES, framework_name
from app.standards.references import EQUIVALENT_FRAMEWORKS
from app.verification.recognition import Recognition
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, N_, RECOGNITION_NAMES

NATIONAL_LEVEL_LABELS: Final = {
    "CONOCER": N_("CONOCER level (Mexico)"),
    "NOC TEER": N_("NOC TEER category (Canada)"),
}
"""The national level's label (the standards pages use the same msgids)."""
_FRAMEWORKS_BY_NAME: Final = {
    name: CredentialFramework(slug) for slug, name in EQUIVALENT_FRAMEWORKS.items()
}


@dataclass(frozen=True, slots=True)
class OccupationView:
    """An occupation coded in the employer's national classification."""

    system: str
    code: str
    title: str
    match: str
    verified: bool


@dataclass(frozen=True, slots=True)
class EquivalentView:
    """A national credential recognised toward the standard."""

    framework: str
    jurisdiction: str | None
    code: str | None
    title: str
    recognition: str
    url: str | None
    verified: bool


@dataclass(frozen=True, slots=True)
class RecognitionView:
    """The standard as an employer in one country knows it."""

    country: str
    name: str
    national_level_label: str | None
    national_level: int | None
    occupations: list[OccupationView]
    equivalents: list[EquivalentView]

    @property
    def has_unverified(self) -> bool:
        """Whether some code or equivalent is provisional (the page then says so)."""
        return any(not item.verified for item in self.occupations) or any(
            not item.verified for item in self.equivalents
        )


def recognition_view(item: Recognition, language: Language) -> RecognitionView:
    """The recognition of the standard in one country, labelled in the page language."""
    level = item.national_level
    return RecognitionView(
        country=item.country.value,
        name=translate(language, COUNTRY_NAMES[item.country]),
        national_level_label=(
            translate(language, NATIONAL_LEVEL_LABELS[level.framework])
            if level and level.framework in NATIONAL_LEVEL_LABELS
            else None
        ),
        national_level=level.level if level else None,
        occupations=[
            OccupationView(
                system=code.system,
                code=code.code,
                title=code.title,
                match=translate(language, MATCH_NAMES[MatchType(code.match_type)]),
                verified=code.verified,
            )
            for code in item.occupations
        ],
        equivalents=[
            EquivalentView(
                framework=_framework_name(equivalent.framework, language),
                jurisdiction=equivalent.jurisdiction,
                code=equivalent.code,
                title=equivalent.title,
                recognition=translate(
                    language, RECOGNITION_NAMES[RecognitionType(equivalent.recognition_type)]
                ),
                url=equivalent.url,
                verified=equivalent.verified,
            )
            for equivalent in item.equivalents
        ],
    )


def _framework_name(name: str, language: Language) -> str:
    framework = _FRAMEWORKS_BY_NAME.get(name)
    return framework_name(framework, language) if framework else name
