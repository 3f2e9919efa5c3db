"""Words of the standards catalog pages that the shared vocabulary does not hold.

Each msgid is marked with `N_` for `pybabel extract` and translated where the page language
is known; `app.web.vocabulary` keeps the words other pages share (countries, sectors, unit
and outcome kinds, recognition types).
"""

from __future__ import annotations

from typing import Final

from babel import Locale
from babel.lists import format_list

from app.fields import Language
from app.standards.enums import AssessmentKind, CredentialFramework, MatchType, Modality
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

MATCH_NAMES: Final[dict[MatchType, str]] = {
    MatchType.exact: N_("Exact match"),
    MatchType.broad: N_("Broader group"),
    MatchType.narrow: N_("Narrower group"),
    MatchType.related: N_("Related occupation"),
}
"""How closely a national occupation code matches, as shown beside the code."""

ASSESSMENT_NAMES: Final[dict[AssessmentKind, str]] = {
    AssessmentKind.written: N_("Written exam"),
    AssessmentKind.practical: N_("Practical assessment"),
    AssessmentKind.portfolio: N_("Portfolio of evidence"),
}

MODALITY_NAMES: Final[dict[Modality, str]] = {
    # TRANSLATORS: delivery modes, lower case: they are joined into one sentence-like list.
    Modality.in_person: N_("in person"),
    Modality.online: N_("online"),
    Modality.blended: N_("blended"),
    Modality.work_based: N_("work-based"),
}
"""Delivery modes; a page joins them into a list ("In person, blended, and work-based")."""

FRAMEWORK_NAMES: Final[dict[CredentialFramework, str]] = {
    CredentialFramework.red_seal: N_("Red Seal"),
    CredentialFramework.provincial_trade: N_("Provincial or territorial trade certificate"),
    CredentialFramework.other: N_("Other national credential"),
}
"""Frameworks whose name is translated; the others are proper names (`PROPER_NAMES`)."""

PROPER_NAMES: Final[dict[CredentialFramework, str]] = {
    CredentialFramework.mssc: "MSSC",
    CredentialFramework.conocer: "CONOCER",
    CredentialFramework.sep: "SEP",
}
"""Frameworks known by their acronym in every language, so never in the catalogs."""

NO_SUCH_STANDARD: Final = N_("No published standard has the code %(code)s.")
NO_SUCH_VERSION: Final = N_("Standard %(code)s has no published version %(version)s.")
"""The explanations of the 404 page of an unknown standard or version."""


def framework_name(framework: CredentialFramework, language: Language) -> str:
    """A national credential framework's name in the page language (acronyms as they are)."""
    if framework in PROPER_NAMES:
        return PROPER_NAMES[framework]
    return translate(language, FRAMEWORK_NAMES[framework])


def language_name(code: Language, language: Language) -> str:
    """The language `code` named in the page language, from CLDR ("inglés", "anglais")."""
    return str(Locale.parse(language).languages[code.value])


def join_list(items: list[str], language: Language) -> str:
    """A list in the page language: "A, B and C", "A, B y C", "A, B et C"."""
    return format_list(items, locale=language) if items else ""


def capitalized(text: str) -> str:
    """`text` with its first letter upper-cased (CLDR language names are lower case)."""
    return text[:1].upper() + text[1:]
