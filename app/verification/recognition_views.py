"""What the verification pages show of a standard in the employer's country: its national
level, occupation codes and equivalent national credentials, in the page language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from app.fields import Language
from app.standards.enums import CredentialFramework, MatchType, RecognitionType
from app.standards.page_labels import MATCH_NAMES, framework_name
from app.standards.references import EQUIVALENT_FRAMEWORKS, other_language
from app.verification.recognition import RecognitionRead
from app.web.i18n import gettext as translate
from app.web.vocabulary import COUNTRY_NAMES, N_, RECOGNITION_NAMES

NATIONAL_LEVEL_LABELS: Final = {
    "CONOCER": N_("CONOCER level (Mexico)"),
    "NOC TEER": N_("NOC TEER category (Canada)"),
}
"""The national level's label (the standards pages use the same msgids)."""
RECOGNITION_EXPLANATIONS: Final[dict[RecognitionType, str]] = {
    RecognitionType.full: N_(
        "The national credential and this certification attest the same competencies: "
        "either one is accepted in place of the other."
    ),
    RecognitionType.partial: N_(
        "The national credential covers only the units listed beside it. For the rest, "
        "the holder of one must still show the other's competencies."
    ),
    RecognitionType.gap_training: N_(
        "A short course on the units the national credential does not cover (the gap) "
        "completes the match; no full programme is needed."
    ),
    RecognitionType.challenge_exam: N_(
        "The holder of the national credential can take this certification's assessment "
        "directly, without its training programme."
    ),
}
"""What each kind of recognition means for an employer, in plain words."""
SYSTEM_NAMES: Final[dict[tuple[str, str], str]] = {
    ("fr", "NOC 2021"): "CNP 2021",
}
"""Classifications named as each language names them (Canada's NOC is the CNP in French)."""
_FRAMEWORKS_BY_NAME: Final = {
    name: CredentialFramework(slug) for slug, name in EQUIVALENT_FRAMEWORKS.items()
}


@dataclass(frozen=True, slots=True)
class OccupationView:
    """An occupation coded in the employer's national classification."""

    system: str
    code: str
    title: str
    official_title: str | None
    """The classification's own title of the code (e.g. NOC 72201 "Industrial electricians")."""
    match: str
    verified: bool


@dataclass(frozen=True, slots=True)
class EquivalentView:
    """A national credential recognised toward the standard."""

    framework: str
    jurisdiction: str | None
    code: str | None
    title: str
    title_lang: str | None
    """The title's language when it is not the page's (for a `lang` attribute)."""
    recognition: str
    url: str | None
    verified: bool
    units: list[str]
    """The codes of the standard's units it covers."""
    explanation: str
    """What its kind of recognition means, in plain words."""


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
    def terms(self) -> list[tuple[str, str]]:
        """Each kind of recognition its equivalents have, with what it means (once each)."""
        return list(
            dict.fromkeys((item.recognition, item.explanation) for item in self.equivalents)
        )

    @property
    def has_unverified(self) -> bool:
        """Whether some code or equivalent is provisional (the page then says so)."""
        return any(not item.verified for item in self.occupations) or any(
            not item.verified for item in self.equivalents
        )


def recognition_view(item: RecognitionRead, language: Language) -> RecognitionView:
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
                system=SYSTEM_NAMES.get((language, code.system), code.system),
                code=code.code,
                title=code.title,
                official_title=code.official_title,
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
                title_lang=other_language(equivalent.title_language, language),
                recognition=translate(
                    language, RECOGNITION_NAMES[RecognitionType(equivalent.recognition_type)]
                ),
                url=equivalent.url,
                verified=equivalent.verified,
                units=list(equivalent.unit_codes),
                explanation=translate(
                    language, RECOGNITION_EXPLANATIONS[RecognitionType(equivalent.recognition_type)]
                ),
            )
            for equivalent in item.equivalents
        ],
    )


def _framework_name(name: str, language: Language) -> str:
    framework = _FRAMEWORKS_BY_NAME.get(name)
    return framework_name(framework, language) if framework else name
