"""A curriculum's coverage report in words, for the provider who is fixing it (pure).

The report (`app.curricula.coverage`) lists each gap with stable codes and numbers; here
every gap becomes one sentence in the page language, with the outcome's own text where an
outcome is missing, and the delivery rules of the provider's country beside the curriculum's
figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from app.curricula.schemas import CoverageReport, Gap, GapKind, GapValue
from app.fields import Country, Language
from app.portal.vocabulary import GAP_SENTENCES
from app.standards.delivery import DeliveryProfile
from app.standards.enums import Modality
from app.standards.page_labels import MODALITY_NAMES, join_list, language_name
from app.standards.schemas import StandardRead
from app.web import formatting
from app.web.i18n import gettext as translate
from app.web.i18n import ngettext
from app.web.vocabulary import COUNTRY_NAMES

ELECTIVES_SINGULAR: Final = GAP_SENTENCES["electives-one"]
ELECTIVES_PLURAL: Final = GAP_SENTENCES["electives-many"]


@dataclass(frozen=True, slots=True)
class GapWords:
    """One gap as a sentence; `quote` is the outcome's text when the gap is about one, and
    `anchor` the id of the form field or module to fix, when there is one."""

    kind: str
    sentence: str
    quote: str | None = None
    anchor: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryRules:
    """What the provider's country asks of the curriculum, in words and formatted numbers."""

    country: str
    hours: str
    practice_share: str
    work_based_hours: str
    modalities: str
    languages: str


def _modality(value: str, language: Language) -> str:
    try:
        return translate(language, MODALITY_NAMES[Modality(value)])
    except ValueError:
        return value


def _language(value: str, language: Language) -> str:
    try:
        return language_name(Language(value), language)
    except ValueError:
        return value


def _names(values: GapValue | None, name: type[str] | None, language: Language) -> str:
    items = values if isinstance(values, list) else [str(values or "")]
    named = [
        _modality(item, language) if name is Modality else _language(item, language)
        for item in items
    ]
    return join_list(named, language)


def _sentence(
    gap: Gap,
    *,
    language: Language,
    outcome_texts: Mapping[str, str],
    module_anchors: Mapping[str, str],
    country: str,
) -> GapWords:
    locale = formatting.DEFAULT_LOCALES[language]

    def number(value: GapValue | None) -> str:
        return formatting.format_number(
            value if isinstance(value, int | float) else 0, locale=locale
        )

    def percent(value: GapValue | None) -> str:
        share = value if isinstance(value, int | float) else 0
        return formatting.format_percent(share, locale=locale)

    kind = gap.kind
    anchor = module_anchors.get(gap.module_code or "")
    if kind is GapKind.electives_below_minimum:
        required = int(gap.expected) if isinstance(gap.expected, int | float) else 0
        sentence = ngettext(
            language,
            ELECTIVES_SINGULAR,
            ELECTIVES_PLURAL,
            required,
            required=number(required),
            covered=number(gap.actual),
        )
        return GapWords(kind.value, sentence)
    values: dict[str, str] = {
        "outcome": gap.outcome_code or "",
        "unit": gap.unit_code or "",
        "module": gap.module_code or "",
        "country": country,
    }
    if kind in (GapKind.hours_below_minimum, GapKind.hours_above_maximum):
        values |= {"required": number(gap.expected), "total": number(gap.actual)}
    elif kind is GapKind.work_based_hours_below_minimum:
        values |= {"required": number(gap.expected), "hours": number(gap.actual)}
    elif kind is GapKind.practice_share_below_minimum:
        values |= {"required": percent(gap.expected), "share": percent(gap.actual)}
    elif kind is GapKind.modality_not_allowed:
        values |= {
            "modality": _names(gap.actual, Modality, language),
            "allowed": _names(gap.expected, Modality, language),
        }
    elif kind is GapKind.language_not_allowed:
        values |= {
            "taught_in": _names(gap.actual, Language, language),
            "allowed": _names(gap.expected, Language, language),
        }
    quote = outcome_texts.get(gap.outcome_code or "") if gap.outcome_code else None
    sentence = translate(language, GAP_SENTENCES[kind.value], **values)
    return GapWords(kind.value, sentence, quote=quote, anchor=anchor)


def gap_words(
    report: CoverageReport,
    standard: StandardRead,
    *,
    language: Language,
    module_anchors: Mapping[str, str],
) -> list[GapWords]:
    """Every gap of `report` as a sentence in `language`; `module_anchors` maps module codes
    to the id of their part of the form."""
    outcome_texts = {
        outcome.code: outcome.text.in_language(language) for _, outcome in standard.iter_outcomes()
    }
    country = country_name(report.country, language)
    return [
        _sentence(
            gap,
            language=language,
            outcome_texts=outcome_texts,
            module_anchors=module_anchors,
            country=country,
        )
        for gap in report.gaps
    ]


def country_name(country: Country | str, language: Language) -> str:
    """A country's name in `language` (its code if we have no name for it)."""
    try:
        return translate(language, COUNTRY_NAMES[Country(country)])
    except ValueError:
        return str(country)


def delivery_rules(profile: DeliveryProfile, *, language: Language) -> DeliveryRules:
    """The bounds of `profile` in words: hours range, hands-on share, work-based hours, the
    allowed delivery modes and languages."""
    locale = formatting.DEFAULT_LOCALES[language]
    return DeliveryRules(
        country=country_name(profile.country, language),
        hours=translate(
            language,
            GAP_SENTENCES["rule-hours"],
            low=formatting.format_number(profile.min_hours, locale=locale),
            high=formatting.format_number(profile.max_hours, locale=locale),
        ),
        practice_share=translate(
            language,
            GAP_SENTENCES["rule-at-least"],
            value=formatting.format_percent(profile.min_practice_share, locale=locale),
        ),
        work_based_hours=translate(
            language,
            GAP_SENTENCES["rule-at-least"],
            value=formatting.format_number(profile.min_work_based_hours, locale=locale),
        ),
        modalities=join_list(
            [translate(language, MODALITY_NAMES[m]) for m in profile.modalities], language
        ),
        languages=join_list(
            [language_name(code, language) for code in profile.languages], language
        ),
    )
