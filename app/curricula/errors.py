"""Errors of curriculum submission and review."""

from __future__ import annotations

from app.errors import Conflict, NotFound, ValidationFailed


class CurriculumNotFound(NotFound):
    slug = "curriculum-not-found"
    title = "No such curriculum"


class CurriculumHasGaps(Conflict):
    slug = "curriculum-has-gaps"
    title = "The curriculum does not fully cover the standard"


class CurriculumImmutable(Conflict):
    slug = "curriculum-immutable"
    title = "An approved curriculum cannot change; submit a new version"


class CurriculumNotUnderReview(Conflict):
    slug = "curriculum-not-under-review"
    title = "Only a submitted curriculum can be approved or rejected"


class UnknownOutcome(ValidationFailed):
    slug = "unknown-outcome"
    title = "A module maps to a learning outcome the standard does not have"


class StandardNotOpen(ValidationFailed):
    slug = "standard-not-open"
    title = "Curricula can only be submitted against a published standard version"
