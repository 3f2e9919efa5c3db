"""Curricula: providers submit and revise them (or keep them as drafts until they are
ready); staff approve or reject submitted ones.

Every change is an audit event (`curriculum.*`, target `curriculum` / id) written in the
same transaction; without a principal (scripts) the actor is `system`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.summary import pick
from app.auth.roles import Principal
from app.curricula.coverage import compute_coverage
from app.curricula.errors import (
    CurriculumHasGaps,
    CurriculumImmutable,
    CurriculumNotFound,
    CurriculumNotUnderReview,
    StandardNotOpen,
    UnknownOutcome,
)
from app.curricula.models import Curriculum, CurriculumStatus
from app.curricula.schemas import CoverageReport, CurriculumCreate, CurriculumModule, GapKind
from app.fields import Country
from app.providers import service as providers_service
from app.providers.models import TrainingProvider
from app.standards import service as standards_service
from app.standards.enums import StandardStatus
from app.standards.models import Standard


@dataclass(frozen=True, slots=True)
class CurriculumPage:
    """One page of curricula and the total that matched."""

    items: list[Curriculum]
    total: int


TARGET_TYPE = "curriculum"


def _coverage(
    standard: Standard, provider: TrainingProvider, modules: list[CurriculumModule]
) -> CoverageReport:
    report = compute_coverage(
        standard=standards_service.to_schema(standard),
        country=Country(provider.country),
        modules=modules,
    )
    unknown = sorted(
        {str(gap.outcome_code) for gap in report.gaps if gap.kind is GapKind.unknown_outcome}
    )
    if unknown:
        raise UnknownOutcome(
            f"{standard.code} v{standard.version} has no outcome(s) {', '.join(unknown)}.",
            outcome_codes=unknown,
        )
    return report


def _fill(
    curriculum: Curriculum,
    *,
    title: str,
    modules: list[CurriculumModule],
    report: CoverageReport,
    now: datetime,
    draft: bool,
) -> None:
    curriculum.title = title
    curriculum.modules = [module.model_dump(mode="json") for module in modules]
    curriculum.coverage = report.model_dump(mode="json")
    curriculum.total_hours = report.hours.total
    if draft:
        # A draft keeps the last review's reasons in view until the provider resubmits.
        curriculum.status = CurriculumStatus.draft
        return
    curriculum.status = CurriculumStatus.submitted
    curriculum.submitted_at = now
    curriculum.review_reasons = None
    curriculum.reviewed_by = None
    curriculum.reviewed_at = None


def _new_version(
    session: Session,
    *,
    lineage_id: str,
    version: int,
    provider_id: int,
    standard_id: int,
    now: datetime,
) -> Curriculum:
    """A new, empty version of a curriculum (the first of a new lineage, or a revision of an
    approved one), added to the session for `_fill`."""
    curriculum = Curriculum(
        lineage_id=lineage_id,
        version=version,
        provider_id=provider_id,
        standard_id=standard_id,
        created_at=now,
        submitted_at=now,
    )
    session.add(curriculum)
    return curriculum


def submit_curriculum(
    session: Session,
    *,
    provider_id: int,
    data: CurriculumCreate,
    now: datetime,
    actor: Principal | None = None,
    draft: bool = False,
) -> Curriculum:
    """An accredited provider submits a curriculum against a published standard version
    (audited as `curriculum.submit`), or with `draft` keeps it to itself with its coverage
    computed (audited as `curriculum.draft`)."""
    provider = providers_service.require_accredited(session, provider_id=provider_id)
    standard = standards_service.get_standard(
        session, code=data.standard_code, version=data.standard_version
    )
    if standard.status != StandardStatus.published.value:
        raise StandardNotOpen(f"{standard.code} v{standard.version} is {standard.status}.")
    report = _coverage(standard, provider, data.modules)
    curriculum = _new_version(
        session,
        lineage_id=str(uuid.uuid4()),
        version=1,
        provider_id=provider.id,
        standard_id=standard.id,
        now=now,
    )
    _fill(curriculum, title=data.title, modules=data.modules, report=report, now=now, draft=draft)
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="curriculum.draft" if draft else "curriculum.submit",
        target=(TARGET_TYPE, str(curriculum.id)),
        before=None,
        after=pick(curriculum, "standard_id", "version", "status"),
        now=now,
    )
    return curriculum


def get_curriculum(
    session: Session, *, curriculum_id: int, provider_id: int | None = None
) -> Curriculum:
    """A curriculum; with `provider_id`, only if that provider owns it (404 otherwise)."""
    curriculum = session.get(Curriculum, curriculum_id)
    if curriculum is None or (provider_id is not None and curriculum.provider_id != provider_id):
        raise CurriculumNotFound(f"No curriculum {curriculum_id}.")
    return curriculum


def latest_of_lineage(session: Session, *, lineage_id: str) -> Curriculum | None:
    """The newest version of a curriculum (an approved curriculum can be revised only while
    it is the newest)."""
    return session.scalar(
        select(Curriculum)
        .where(Curriculum.lineage_id == lineage_id)
        .order_by(Curriculum.version.desc())
        .limit(1)
    )


def revise_curriculum(
    session: Session,
    *,
    curriculum_id: int,
    provider_id: int,
    data: CurriculumCreate,
    draft: bool = False,
    now: datetime,
    actor: Principal | None = None,
) -> Curriculum:
    """Change a draft, submitted or rejected curriculum in place and submit it (or, with
    `draft`, keep it as a draft); an approved one gets a new version.

    Audited as `curriculum.revise` on the curriculum that was changed or created, with the
    one it revised as `before`.
    """
    current = get_curriculum(session, curriculum_id=curriculum_id, provider_id=provider_id)
    before = pick(current, "id", "version", "status")
    provider = providers_service.require_accredited(session, provider_id=provider_id)
    standard = standards_service.get_standard(
        session, code=data.standard_code, version=data.standard_version
    )
    if standard.id != current.standard_id:
        raise StandardNotOpen("A revision keeps its standard version; submit a new curriculum.")
    report = _coverage(standard, provider, data.modules)
    if current.status == CurriculumStatus.approved:
        latest = latest_of_lineage(session, lineage_id=current.lineage_id)
        if latest is not None and latest.version != current.version:
            raise CurriculumImmutable(
                f"Version {latest.version} of this curriculum already exists."
            )
        revision = _new_version(
            session,
            lineage_id=current.lineage_id,
            version=current.version + 1,
            provider_id=provider.id,
            standard_id=standard.id,
            now=now,
        )
    else:
        revision = current
    _fill(revision, title=data.title, modules=data.modules, report=report, now=now, draft=draft)
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="curriculum.revise",
        target=(TARGET_TYPE, str(revision.id)),
        before=before,
        after=pick(revision, "id", "version", "status"),
        now=now,
    )
    return revision


def approve_curriculum(
    session: Session,
    *,
    curriculum_id: int,
    reviewer: str,
    now: datetime,
    actor: Principal | None = None,
) -> Curriculum:
    """Approve a submitted curriculum (audited as `curriculum.approve`); one with gaps is
    refused with the gaps listed (409)."""
    curriculum = get_curriculum(session, curriculum_id=curriculum_id)
    if curriculum.status != CurriculumStatus.submitted:
        raise CurriculumNotUnderReview(f"Curriculum {curriculum_id} is {curriculum.status}.")
    modules = [CurriculumModule.model_validate(module) for module in curriculum.modules]
    report = _coverage(curriculum.standard, curriculum.provider, modules)
    curriculum.coverage = report.model_dump(mode="json")
    if report.gaps:
        raise CurriculumHasGaps(
            f"{len(report.gaps)} gap(s) must be closed before approval.",
            gaps=[gap.model_dump(mode="json", exclude_none=True) for gap in report.gaps],
        )
    return _decide(
        session, curriculum, CurriculumStatus.approved, reviewer=reviewer, now=now, actor=actor
    )


def reject_curriculum(
    session: Session,
    *,
    curriculum_id: int,
    reviewer: str,
    reasons: list[str],
    now: datetime,
    actor: Principal | None = None,
) -> Curriculum:
    """Reject a submitted curriculum with the reasons the provider will read (audited as
    `curriculum.reject`, with the reasons)."""
    curriculum = get_curriculum(session, curriculum_id=curriculum_id)
    if curriculum.status != CurriculumStatus.submitted:
        raise CurriculumNotUnderReview(f"Curriculum {curriculum_id} is {curriculum.status}.")
    curriculum.review_reasons = reasons
    return _decide(
        session,
        curriculum,
        CurriculumStatus.rejected,
        reviewer=reviewer,
        now=now,
        actor=actor,
        reasons=reasons,
    )


def _decide(
    session: Session,
    curriculum: Curriculum,
    decision: CurriculumStatus,
    *,
    reviewer: str,
    now: datetime,
    actor: Principal | None,
    reasons: list[str] | None = None,
) -> Curriculum:
    """Close the review of `curriculum` with `decision`, audited as `curriculum.approve` or
    `curriculum.reject` (with the reasons)."""
    before = pick(curriculum, "status")
    curriculum.status = decision
    curriculum.reviewed_by = reviewer
    curriculum.reviewed_at = now
    session.flush()
    after = pick(curriculum, "status")
    if reasons is not None:
        after["reasons"] = reasons
    action = "approve" if decision is CurriculumStatus.approved else "reject"
    audit_service.record_change(
        session,
        actor=actor,
        action=f"curriculum.{action}",
        target=(TARGET_TYPE, str(curriculum.id)),
        before=before,
        after=after,
        now=now,
    )
    return curriculum


def list_curricula(
    session: Session,
    *,
    provider_id: int | None = None,
    status: str | None = None,
    country: Country | None = None,
    offset: int = 0,
    limit: int = 20,
) -> CurriculumPage:
    """Curricula, newest first; a provider sees only its own."""
    query = select(Curriculum)
    if provider_id is not None:
        query = query.where(Curriculum.provider_id == provider_id)
    if status is not None:
        query = query.where(Curriculum.status == status)
    if country is not None:
        query = query.join(TrainingProvider).where(TrainingProvider.country == country.value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(Curriculum.id.desc()).offset(offset).limit(limit))
    return CurriculumPage(items=list(items), total=total)
