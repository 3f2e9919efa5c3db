"""Coverage of a harmonized standard by a provider curriculum: pure, no database, no clock.

Rules, in the order the gaps are listed:

1. Mandatory outcomes. Every learning outcome of every mandatory unit must be mapped `full` by
   at least one module. Partial mappings never add up to full coverage: an outcome mapped
   only `partial` is `outcome-partially-covered`, one never mapped is `outcome-not-covered`.
2. Electives. A candidate completes `electives_required` elective units of their choice, so
   the curriculum must fully cover (rule 1 applied to the unit) at least that many elective
   units; which ones is the provider's choice. Falling short is one `electives-below-minimum`
   gap; elective outcomes left uncovered are otherwise not gaps.
3. Unknown outcomes. A mapping to an outcome code this standard version does not have (a typo,
   or another standard's outcome) is an `unknown-outcome` gap per module and code; the service
   may reject such a submission outright instead.
4. Delivery, against the profile of the provider's country (`no-delivery-profile` if the
   standard sets none): total hours within `min_hours`..`max_hours`; hands-on share, i.e.
   (practice + work-based) / total, at least `min_practice_share`; work-based hours at least
   `min_work_based_hours`; and each module's modality and language among those allowed.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.curricula.schemas import (
    CoverageLevel,
    CoverageReport,
    CurriculumModule,
    Gap,
    GapKind,
    HoursSummary,
    UnitCoverage,
)
from app.fields import Country
from app.standards.delivery import DeliveryProfile
from app.standards.enums import UnitKind
from app.standards.schemas import CompetencyUnit, StandardCreate


def compute_coverage(
    *, standard: StandardCreate, country: Country, modules: Sequence[CurriculumModule]
) -> CoverageReport:
    """Check `modules` against `standard` as delivered in `country`; list every gap."""
    coverage = _best_coverage(modules)
    units = [_unit_coverage(unit, coverage) for unit in standard.units]
    electives_covered = [u.unit_code for u in units if u.kind is UnitKind.elective and u.complete]
    hours = _hours_summary(modules)

    gaps = _mandatory_outcome_gaps(standard, coverage)
    if len(electives_covered) < standard.electives_required:
        gaps.append(
            Gap(
                kind=GapKind.electives_below_minimum,
                detail=(
                    f"{standard.electives_required} elective unit(s) must be fully covered, "
                    f"{len(electives_covered)} are"
                ),
                expected=standard.electives_required,
                actual=len(electives_covered),
            )
        )
    gaps.extend(_unknown_outcome_gaps(standard, modules))
    profile = standard.delivery_profile_for(country)
    if profile is None:
        gaps.append(
            Gap(
                kind=GapKind.no_delivery_profile,
                detail=f"the standard sets no delivery profile for {country.value}",
                expected=country.value,
            )
        )
    else:
        gaps.extend(_delivery_gaps(profile, modules, hours))

    return CoverageReport(
        standard_code=standard.code,
        standard_version=standard.version,
        country=country,
        complete=not gaps,
        hours=hours,
        units=units,
        electives_required=standard.electives_required,
        electives_covered=electives_covered,
        gaps=gaps,
    )


def _best_coverage(modules: Sequence[CurriculumModule]) -> dict[str, CoverageLevel]:
    """The strongest coverage any module gives each mapped outcome code."""
    best: dict[str, CoverageLevel] = {}
    for module in modules:
        for mapping in module.outcomes:
            if best.get(mapping.outcome_code) is not CoverageLevel.full:
                best[mapping.outcome_code] = mapping.coverage
    return best


def _unit_coverage(unit: CompetencyUnit, coverage: dict[str, CoverageLevel]) -> UnitCoverage:
    levels = {outcome.code: coverage.get(outcome.code) for outcome in unit.outcomes}
    full = [code for code, level in levels.items() if level is CoverageLevel.full]
    partial = [code for code, level in levels.items() if level is CoverageLevel.partial]
    missing = [code for code, level in levels.items() if level is None]
    return UnitCoverage(
        unit_code=unit.code,
        kind=unit.kind,
        fully_covered=full,
        partially_covered=partial,
        not_covered=missing,
        complete=not partial and not missing,
    )


def _mandatory_outcome_gaps(
    standard: StandardCreate, coverage: dict[str, CoverageLevel]
) -> list[Gap]:
    gaps: list[Gap] = []
    for unit, outcome in standard.iter_outcomes():
        if unit.kind is not UnitKind.mandatory:
            continue
        level = coverage.get(outcome.code)
        if level is CoverageLevel.full:
            continue
        kind = GapKind.outcome_not_covered if level is None else GapKind.outcome_partially_covered
        detail = "no module covers it" if level is None else "modules cover it only partially"
        gaps.append(
            Gap(
                kind=kind,
                detail=f"mandatory outcome {outcome.code} of unit {unit.code}: {detail}",
                unit_code=unit.code,
                outcome_code=outcome.code,
                expected=CoverageLevel.full.value,
                actual=level.value if level else None,
            )
        )
    return gaps


def _unknown_outcome_gaps(
    standard: StandardCreate, modules: Sequence[CurriculumModule]
) -> list[Gap]:
    known = {outcome.code for _, outcome in standard.iter_outcomes()}
    return [
        Gap(
            kind=GapKind.unknown_outcome,
            detail=(
                f"module {module.code} maps {mapping.outcome_code}, which is not an outcome "
                f"of {standard.code} v{standard.version}"
            ),
            module_code=module.code,
            outcome_code=mapping.outcome_code,
        )
        for module in modules
        for mapping in module.outcomes
        if mapping.outcome_code not in known
    ]


def _hours_summary(modules: Sequence[CurriculumModule]) -> HoursSummary:
    theory = sum(module.theory_hours for module in modules)
    practice = sum(module.practice_hours for module in modules)
    work_based = sum(module.work_based_hours for module in modules)
    total = theory + practice + work_based
    share = (practice + work_based) / total if total else 0.0
    return HoursSummary(
        theory=theory, practice=practice, work_based=work_based, total=total, practice_share=share
    )


def _delivery_gaps(
    profile: DeliveryProfile, modules: Sequence[CurriculumModule], hours: HoursSummary
) -> list[Gap]:
    where = f"in {profile.country.value}"
    gaps: list[Gap] = []
    if hours.total < profile.min_hours:
        gaps.append(
            Gap(
                kind=GapKind.hours_below_minimum,
                detail=f"{hours.total} h in total; at least {profile.min_hours} h {where}",
                expected=profile.min_hours,
                actual=hours.total,
            )
        )
    if hours.total > profile.max_hours:
        gaps.append(
            Gap(
                kind=GapKind.hours_above_maximum,
                detail=f"{hours.total} h in total; at most {profile.max_hours} h {where}",
                expected=profile.max_hours,
                actual=hours.total,
            )
        )
    if hours.practice_share < profile.min_practice_share:
        gaps.append(
            Gap(
                kind=GapKind.practice_share_below_minimum,
                detail=(
                    f"practice and work-based hours are {hours.practice_share:.0%} of the total; "
                    f"at least {profile.min_practice_share:.0%} {where}"
                ),
                expected=profile.min_practice_share,
                actual=round(hours.practice_share, 4),
            )
        )
    if hours.work_based < profile.min_work_based_hours:
        gaps.append(
            Gap(
                kind=GapKind.work_based_hours_below_minimum,
                detail=(
                    f"{hours.work_based} work-based h; at least "
                    f"{profile.min_work_based_hours} h {where}"
                ),
                expected=profile.min_work_based_hours,
                actual=hours.work_based,
            )
        )
    allowed_modalities = [modality.value for modality in profile.modalities]
    allowed_languages = [language.value for language in profile.languages]
    for module in modules:
        if module.modality not in profile.modalities:
            gaps.append(
                Gap(
                    kind=GapKind.modality_not_allowed,
                    detail=f"module {module.code} is {module.modality.value}, not allowed {where}",
                    module_code=module.code,
                    expected=allowed_modalities,
                    actual=module.modality.value,
                )
            )
        if module.language not in profile.languages:
            gaps.append(
                Gap(
                    kind=GapKind.language_not_allowed,
                    detail=f"module {module.code} is taught in {module.language.value}, "
                    f"not allowed {where}",
                    module_code=module.code,
                    expected=allowed_languages,
                    actual=module.language.value,
                )
            )
    return gaps
