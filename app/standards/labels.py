"""Published names of the controlled vocabularies, in every language labels appear in.

Sector names have one source: the words the pages use (`app.web.vocabulary`), translated by
the message catalogs; the CASE packages publish the same names.
"""

from __future__ import annotations

from functools import cache

from app.fields import Language
from app.standards.enums import OutcomeKind, RecognitionType, Sector, UnitKind
from app.standards.localized import LocalizedText
from app.web.i18n import gettext
from app.web.vocabulary import SECTOR_NAMES


def localized(msgid: str) -> LocalizedText:
    """`msgid` in every language, as the message catalogs translate it."""
    return LocalizedText(**{language.value: gettext(language, msgid) for language in Language})


@cache
def sector_label(sector: Sector) -> LocalizedText:
    """The published name of `sector` in every language: the words of
    `app.web.vocabulary.SECTOR_NAMES` and their translations in `app/locales`."""
    return localized(SECTOR_NAMES[sector])


UNIT_KIND_LABELS = {
    UnitKind.mandatory: LocalizedText(
        en="Mandatory unit", es="Unidad obligatoria", fr="Unité obligatoire"
    ),
    UnitKind.elective: LocalizedText(
        en="Elective unit", es="Unidad optativa", fr="Unité optionnelle"
    ),
}
OUTCOME_KIND_LABELS = {
    OutcomeKind.knowledge: LocalizedText(en="knowledge", es="conocimiento", fr="savoirs"),
    OutcomeKind.skill: LocalizedText(en="skill", es="habilidad", fr="savoir-faire"),
    OutcomeKind.responsibility: LocalizedText(
        en="responsibility and autonomy",
        es="responsabilidad y autonomía",
        fr="responsabilité et autonomie",
    ),
}
RECOGNITION_LABELS = {
    RecognitionType.full: LocalizedText(
        en="full recognition", es="reconocimiento total", fr="reconnaissance complète"
    ),
    RecognitionType.partial: LocalizedText(
        en="partial recognition", es="reconocimiento parcial", fr="reconnaissance partielle"
    ),
    RecognitionType.gap_training: LocalizedText(
        en="recognition after gap training",
        es="reconocimiento con formación complementaria",
        fr="reconnaissance après une formation d'appoint",
    ),
    RecognitionType.challenge_exam: LocalizedText(
        en="recognition by challenge exam",
        es="reconocimiento mediante examen de acreditación",
        fr="reconnaissance par examen d'équivalence",
    ),
}
