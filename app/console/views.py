"""What console pages show, built from stored records in the page language (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from app.audit.verification import ChainReport
from app.console.vocabulary import BREAK_REASONS, GAP_KINDS
from app.credentials.models import Credential
from app.curricula.schemas import CoverageLevel, CoverageReport, Gap, GapKind
from app.fields import Language
from app.standards.enums import Modality
from app.standards.page_labels import MODALITY_NAMES, join_list, language_name
from app.status.builder import list_url
from app.web import formatting
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

_E = TypeVar("_E", CoverageLevel, Modality, Language)

COVERAGE_LEVELS = {
    CoverageLevel.full: N_("fully covered"),
    CoverageLevel.partial: N_("partially covered"),
}
NOT_COVERED = N_("not covered")


@dataclass(frozen=True, slots=True)
class GapRow:
    """One gap of a curriculum, in the page language."""

    kind: str
    label: str
    unit_code: str | None
    outcome_code: str | None
    module_code: str | None
    expected: str | None
    actual: str | None


def _value(kind: GapKind, value: Any, *, language: Language, locale: str) -> str | None:
    if isinstance(value, list):
        items = [_value(kind, item, language=language, locale=locale) or "" for item in value]
        return join_list(items, language)
    if value is None:
        return translate(language, NOT_COVERED) if kind is GapKind.outcome_not_covered else None
    if kind is GapKind.practice_share_below_minimum and isinstance(value, int | float):
        return formatting.format_percent(value, locale=locale)
    if isinstance(value, int | float):
        return formatting.format_number(value, locale=locale)
    text = str(value)
    if kind in (GapKind.outcome_not_covered, GapKind.outcome_partially_covered):
        level = _member(CoverageLevel, text)
        return translate(language, COVERAGE_LEVELS[level]) if level else text
    if kind is GapKind.modality_not_allowed:
        modality = _member(Modality, text)
        return translate(language, MODALITY_NAMES[modality]) if modality else text
    if kind is GapKind.language_not_allowed:
        spoken = _member(Language, text)
        return language_name(spoken, language) if spoken else text
    return text


def _member(kind: type[_E], value: str) -> _E | None:
    try:
        return kind(value)
    except ValueError:
        return None


def gap_rows(gaps: Iterable[Mapping[str, Any]], *, language: Language) -> list[GapRow]:
    """Gaps as stored in a coverage report (or listed by `CurriculumHasGaps`), for a table."""
    locale = formatting.DEFAULT_LOCALES[language]
    rows = []
    for raw in gaps:
        gap = Gap.model_validate(raw)
        rows.append(
            GapRow(
                kind=gap.kind.value,
                label=translate(language, GAP_KINDS[gap.kind]),
                unit_code=gap.unit_code,
                outcome_code=gap.outcome_code,
                module_code=gap.module_code,
                expected=_value(gap.kind, gap.expected, language=language, locale=locale),
                actual=_value(gap.kind, gap.actual, language=language, locale=locale),
            )
        )
    return rows


def coverage_report(coverage: Mapping[str, Any]) -> CoverageReport | None:
    """A stored coverage report, or None if it no longer reads as one."""
    try:
        return CoverageReport.model_validate(coverage)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ChainResult:
    """The outcome of verifying the audit chain, in the page language."""

    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    broken_reason: str | None = None
    broken_detail: str | None = None


def chain_result(report: ChainReport, *, language: Language) -> ChainResult:
    """What a `ChainReport` says; the first broken link is explained in the page language
    (the service's technical detail is kept beside it, in English, for investigators)."""
    broken = report.first_broken
    if broken is None:
        return ChainResult(report.ok, report.events_checked, report.head_seq, report.head_hash)
    return ChainResult(
        ok=report.ok,
        events_checked=report.events_checked,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        broken_seq=broken.seq,
        broken_id=broken.id,
        broken_reason=translate(language, BREAK_REASONS[broken.reason]),
        broken_detail=broken.detail,
    )


@dataclass(frozen=True, slots=True)
class StatusEntries:
    """Where a credential's status is published: list URL and index, per purpose."""

    revocation_url: str
    revocation_index: int
    suspension_url: str
    suspension_index: int


def status_entries(credential: Credential, *, base_url: str) -> StatusEntries:
    """The status list entries of a credential."""
    return StatusEntries(
        revocation_url=list_url(base_url, credential.revocation_list_id),
        revocation_index=credential.revocation_index,
        suspension_url=list_url(base_url, credential.suspension_list_id),
        suspension_index=credential.suspension_index,
    )
