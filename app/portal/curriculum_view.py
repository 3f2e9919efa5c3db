"""What the curriculum pages of the portal show: the editor's state and its template
context in the page language (the standard's outcomes to choose from, the delivery rules
of the provider's country, the coverage report's gaps in words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.curricula.models import Curriculum, CurriculumStatus
from app.curricula.schemas import CoverageReport, GapKind
from app.fields import Country, Language
from app.portal.coverage_words import delivery_rules, gap_words
from app.portal.curriculum_form import CurriculumForm
from app.standards import service as standards_service
from app.standards.enums import Modality
from app.standards.models import Standard
from app.standards.page_labels import MODALITY_NAMES, capitalized, language_name
from app.web.i18n import gettext as translate
from app.web.vocabulary import UNIT_KIND_NAMES


@dataclass(frozen=True, slots=True)
class EditorState:
    """The curriculum form as the page shows it: the standard it maps, what the fields
    hold, the stored curriculum (None before the first save) and the messages."""

    standard: Standard
    form: CurriculumForm
    curriculum: Curriculum | None
    latest: Curriculum | None = None
    """The newest version of the curriculum's lineage (only it may be revised)."""
    errors: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)
    notice: str | None = None
    problem: str | None = None
    draft_report: CoverageReport | None = None
    """The coverage of the form as it stands, unsaved ("Add a module" shows it)."""


@dataclass(frozen=True, slots=True)
class OutcomeChoice:
    """A learning outcome a module may teach."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class UnitChoice:
    """A competency unit and its outcomes, as the form groups them."""

    code: str
    title: str
    kind: str
    outcomes: list[OutcomeChoice]


@dataclass(frozen=True, slots=True)
class StandardChoice:
    """A published standard a new curriculum may map."""

    code: str
    version: int
    title: str


def standard_choices(session: Session, *, language: Language, country: str) -> list[StandardChoice]:
    """The published standards with delivery rules for the provider's country."""
    standards = standards_service.list_standards(session, country=Country(country), limit=100).items
    return [
        StandardChoice(code=s.code, version=s.version, title=getattr(s, f"title_{language}"))
        for s in standards
    ]


def _report(curriculum: Curriculum | None) -> CoverageReport | None:
    if curriculum is None:
        return None
    try:
        return CoverageReport.model_validate(curriculum.coverage)
    except ValueError:
        return None


def editor_context(state: EditorState, *, language: Language, country: str) -> dict[str, Any]:
    """The context of `portal/curriculum.html`."""
    standard = standards_service.to_schema(state.standard)
    curriculum = state.curriculum
    form = state.form
    report = state.draft_report or _report(curriculum)
    anchors = {
        module.value("code").strip(): module.id("code")
        for module in form.modules
        if module.value("code")
    }
    profile = standard.delivery_profile_for(Country(country))
    latest = state.latest or curriculum
    superseded = curriculum is not None and latest is not None and latest.id != curriculum.id
    return {
        "standard": standard,
        "standard_title": standard.title.in_language(language),
        "curriculum": curriculum,
        "status": curriculum.status if curriculum else None,
        "latest": latest,
        "superseded": superseded,
        "form": form,
        "errors": state.errors,
        "summary": state.summary,
        "notice": state.notice,
        "problem": state.problem,
        "report": report,
        "unsaved_report": state.draft_report is not None,
        "gaps": gap_words(report, standard, language=language, module_anchors=anchors)
        if report
        else [],
        "unknown_outcome": GapKind.unknown_outcome.value,
        "rules": delivery_rules(profile, language=language) if profile else None,
        "units": [
            UnitChoice(
                code=unit.code,
                title=unit.title.in_language(language),
                kind=translate(language, UNIT_KIND_NAMES[unit.kind]),
                outcomes=[
                    OutcomeChoice(code=o.code, text=o.text.in_language(language))
                    for o in unit.outcomes
                ],
            )
            for unit in standard.units
        ],
        "modalities": [
            (modality.value, capitalized(translate(language, MODALITY_NAMES[modality])))
            for modality in Modality
        ],
        "languages": [
            (code.value, capitalized(language_name(code, language))) for code in Language
        ],
        "statuses": CurriculumStatus,
    }
