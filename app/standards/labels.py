"""Published names of the controlled vocabularies, in every language labels appear in.

Every name comes from the message catalogs. Sector names are the words the pages use
(`app.web.vocabulary`); the kinds of units, outcomes and recognition are named here in the
words of the CASE packages, marked for extraction like the pages' vocabulary.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from app.fields import Language
from app.standards.enums import OutcomeKind, RecognitionType, Sector, UnitKind
from app.standards.localized import LocalizedText
from app.web.i18n import gettext
from app.web.vocabulary import N_, SECTOR_NAMES


def localized(msgid: str) -> LocalizedText:
    """`msgid` in every language, as the message catalogs translate it."""
    return LocalizedText(**{language.value: gettext(language, msgid) for language in Language})


@cache
def sector_label(sector: Sector) -> LocalizedText:
    """The published name of `sector` in every language: the words of
    `app.web.vocabulary.SECTOR_NAMES` and their translations in `app/locales`."""
    return localized(SECTOR_NAMES[sector])


# TRANSLATORS: the kind of a unit of a standard, in its CASE package (1EdTech CFItem type).
UNIT_KIND_NAMES: Final = {
    UnitKind.mandatory: N_("Mandatory unit"),
    UnitKind.elective: N_("Elective unit"),
}
# TRANSLATORS: a CASE keyword naming the kind of a learning outcome; lower case.
OUTCOME_KIND_NAMES: Final = {
    OutcomeKind.knowledge: N_("knowledge"),
    OutcomeKind.skill: N_("skill"),
    OutcomeKind.responsibility: N_("responsibility and autonomy"),
}
# TRANSLATORS: how a national credential is recognised toward a standard, in its CASE
# package; lower case.
RECOGNITION_NAMES: Final = {
    RecognitionType.full: N_("full recognition"),
    RecognitionType.partial: N_("partial recognition"),
    RecognitionType.gap_training: N_("recognition after gap training"),
    RecognitionType.challenge_exam: N_("recognition by challenge exam"),
}


@cache
def unit_kind_label(kind: UnitKind) -> LocalizedText:
    """The name of a kind of unit in every language (CASE packages)."""
    return localized(UNIT_KIND_NAMES[kind])


@cache
def outcome_kind_label(kind: OutcomeKind) -> LocalizedText:
    """The name of a kind of outcome in every language (CASE packages)."""
    return localized(OUTCOME_KIND_NAMES[kind])


@cache
def recognition_label(recognition: RecognitionType) -> LocalizedText:
    """The name of a kind of recognition in every language (CASE packages)."""
    return localized(RECOGNITION_NAMES[recognition])
